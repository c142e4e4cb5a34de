using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>XEP-0054 vcard-temp and XEP-0049 private XML storage (both kept in the store's user data).</summary>
public sealed class UserDataTests : IAsyncLifetime
{
    private static readonly XNamespace VCard = "vcard-temp";
    private static readonly XNamespace Private = "jabber:iq:private";
    private static readonly XNamespace Prefs = "exodus:prefs";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_vcard_set_by_its_owner_is_returned_to_anyone_and_survives_a_restart()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            await alice.IqResultAsync("set", "<vCard xmlns='vcard-temp'><FN>Alice Liddell</FN><NICKNAME>al &amp; co</NICKNAME></vCard>");
            var own = await alice.IqResultAsync("get", "<vCard xmlns='vcard-temp'/>");
            Assert.Equal("Alice Liddell", own.Element(VCard + "vCard")?.Element(VCard + "FN")?.Value);
        }

        await _server.RestartAsync();
        await using var bob = await _server.LoginAsync("bob");
        var vcard = (await bob.IqResultAsync("get", "<vCard xmlns='vcard-temp'/>", "alice@localhost")).Element(VCard + "vCard")!;
        Assert.Equal("Alice Liddell", vcard.Element(VCard + "FN")?.Value);
        Assert.Equal("al & co", vcard.Element(VCard + "NICKNAME")?.Value);
    }

    [Fact]
    public async Task A_user_without_a_vcard_has_an_empty_one_and_nobody_sets_another_users_vcard()
    {
        await using var bob = await _server.LoginAsync("bob");
        var empty = (await bob.IqResultAsync("get", "<vCard xmlns='vcard-temp'/>", "carol@localhost")).Element(VCard + "vCard")!;
        Assert.Empty(empty.Elements());
        Assert.Equal("forbidden", await bob.IqErrorAsync("set", "<vCard xmlns='vcard-temp'><FN>Mallory</FN></vCard>", "carol@localhost"));
        Assert.Equal("service-unavailable", await bob.IqErrorAsync("get", "<vCard xmlns='vcard-temp'/>", "nobody@localhost"));
    }

    [Fact]
    public async Task Private_xml_is_stored_per_namespace_and_returned_to_its_owner_only()
    {
        await using var alice = await _server.LoginAsync("alice");
        await alice.IqResultAsync("set", "<query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'><defaultnick>Hamlet</defaultnick></exodus><storage xmlns='storage:bookmarks'/></query>");
        var stored = (await alice.IqResultAsync("get", "<query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query>")).Element(Private + "query")!;
        Assert.Equal("Hamlet", stored.Element(Prefs + "exodus")?.Element(Prefs + "defaultnick")?.Value);

        // Nothing stored under a namespace: the empty element comes back.
        var none = (await alice.IqResultAsync("get", "<query xmlns='jabber:iq:private'><prefs xmlns='urn:example:none'/></query>")).Element(Private + "query")!;
        Assert.Empty(Assert.Single(none.Elements()).Elements());

        await using var bob = await _server.LoginAsync("bob");
        Assert.Equal("forbidden", await bob.IqErrorAsync("get", "<query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query>", "alice@localhost"));
        var bobs = (await bob.IqResultAsync("get", "<query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query>")).Element(Private + "query")!;
        Assert.Empty(bobs.Element(Prefs + "exodus")!.Elements());
    }

    [Fact]
    public async Task Private_xml_refuses_reserved_namespaces_and_malformed_queries()
    {
        await using var alice = await _server.LoginAsync("alice");
        Assert.Equal("not-acceptable", await alice.IqErrorAsync("set", "<query xmlns='jabber:iq:private'><roster xmlns='jabber:iq:roster'/></query>"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("get", "<query xmlns='jabber:iq:private'/>"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("get", "<query xmlns='jabber:iq:private'><a xmlns='urn:a'/><b xmlns='urn:b'/></query>"));
    }
}
