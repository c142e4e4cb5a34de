using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Archive.MamSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>XEP-0313 §6 preferences: stored per user (durable), and deciding per message and per archive.</summary>
public sealed class PreferencesTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static XElement Prefs(XElement reply) => reply.Element(Mam + "prefs")!;

    private static string[] Jids(XElement prefs, string list) => prefs.Element(Mam + list)!.Elements(Mam + "jid").Select(j => j.Value).ToArray();

    [Fact]
    public async Task Preferences_start_at_the_server_default_and_a_set_is_stored_across_a_restart()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            var initial = Prefs(await alice.IqResultAsync("get", "<prefs xmlns='urn:xmpp:mam:2'/>"));
            Assert.Equal("always", (string?)initial.Attribute("default"));
            Assert.Empty(Jids(initial, "always"));

            var set = Prefs(await alice.IqResultAsync("set",
                "<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>Bob@LocalHost/phone</jid></always><never><jid>carol@localhost</jid></never></prefs>"));
            Assert.Equal("roster", (string?)set.Attribute("default"));
            Assert.Equal(["bob@localhost"], Jids(set, "always"));
            Assert.Equal(["carol@localhost"], Jids(set, "never"));
            Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>"));
            Assert.Equal("jid-malformed", await alice.IqErrorAsync("set", "<prefs xmlns='urn:xmpp:mam:2'><always><jid>@@</jid></always></prefs>"));
        }

        await _server.RestartAsync();
        await using var again = await _server.LoginAsync("alice");
        var stored = Prefs(await again.IqResultAsync("get", "<prefs xmlns='urn:xmpp:mam:2'/>"));
        Assert.Equal("roster", (string?)stored.Attribute("default"));
        Assert.Equal(["bob@localhost"], Jids(stored, "always"));
        Assert.Equal(["carol@localhost"], Jids(stored, "never"));
    }

    [Fact]
    public async Task Never_keeps_a_contact_out_of_the_users_archive_only()
    {
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();
        await alice.IqResultAsync("set", "<prefs xmlns='urn:xmpp:mam:2' default='always'><never><jid>bob@localhost</jid></never></prefs>");

        var delivered = await bob.ChatAsync(alice, "not in alice's archive");
        Assert.Null(StanzaId(delivered, "alice@localhost"));
        Assert.Empty((await alice.QueryResultAsync()).Results);
        Assert.Equal(["not in alice's archive"], (await bob.QueryResultAsync()).Bodies);

        await alice.ChatAsync(bob, "outgoing to bob");
        Assert.Empty((await alice.QueryResultAsync()).Results);
    }

    [Fact]
    public async Task Default_never_archives_only_the_always_list()
    {
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob");
        await using var carol = await _server.LoginAsync("carol");
        foreach (var c in new[] { alice, bob, carol })
            await c.BecomeAvailableAsync();
        await alice.IqResultAsync("set", "<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>carol@localhost</jid></always></prefs>");

        await bob.ChatAsync(alice, "from bob");
        var fromCarol = await carol.ChatAsync(alice, "from carol");
        Assert.NotNull(StanzaId(fromCarol, "alice@localhost"));
        Assert.Equal(["from carol"], (await alice.QueryResultAsync()).Bodies);
    }

    [Fact]
    public async Task Default_roster_archives_contacts_in_the_roster_only()
    {
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob");
        await using var carol = await _server.LoginAsync("carol");
        foreach (var c in new[] { alice, bob, carol })
            await c.BecomeAvailableAsync();
        await alice.IqResultAsync("set", "<prefs xmlns='urn:xmpp:mam:2' default='roster'/>");

        await carol.ChatAsync(alice, "stranger");
        await bob.ChatAsync(alice, "friend");
        Assert.Equal(["friend"], (await alice.QueryResultAsync()).Bodies);
    }

    [Fact]
    public async Task The_server_default_comes_from_the_configuration()
    {
        await using var server = await TestServers.StartAsync(c => c.Modules.Mam.DefaultPreference = "never", users: ["alice", "bob"]);
        await using var alice = await server.LoginAsync("alice");
        await using var bob = await server.LoginAsync("bob");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();
        Assert.Equal("never", (string?)Prefs(await alice.IqResultAsync("get", "<prefs xmlns='urn:xmpp:mam:2'/>")).Attribute("default"));
        var delivered = await bob.ChatAsync(alice, "unarchived");
        Assert.Empty(delivered.Elements(Sid + "stanza-id"));
        Assert.Empty((await alice.QueryResultAsync()).Results);
        Assert.Empty((await bob.QueryResultAsync()).Results);
    }
}
