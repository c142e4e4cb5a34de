using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Modules.ModuleSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>XEP-0030 service discovery, XEP-0128/0157 server contact information.</summary>
public sealed class DiscoTests
{
    /// <summary>Every module's features, as each module registers them.</summary>
    private static readonly Dictionary<string, string[]> ModuleFeatures = new()
    {
        ["roster"] = ["jabber:iq:roster"],
        ["presence"] = [],
        ["offline"] = ["msgoffline"],
        ["disco"] = ["http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items"],
        ["ping"] = ["urn:xmpp:ping"],
        ["version"] = ["jabber:iq:version"],
        ["time"] = ["urn:xmpp:time"],
        ["last"] = ["jabber:iq:last"],
        ["vcard"] = ["vcard-temp"],
        ["private"] = ["jabber:iq:private"],
        ["blocking"] = ["urn:xmpp:blocking"],
        ["carbons"] = ["urn:xmpp:carbons:2"],
        ["csi"] = [],
        ["register"] = ["jabber:iq:register"],
        ["compression"] = [],
        ["muc"] = [],
    };

    [Fact]
    public async Task Server_disco_info_has_the_server_identity_and_exactly_the_default_modules_features()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice");
        var reply = await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "localhost");
        var query = reply.Element(DiscoInfo + "query")!;
        var identity = Assert.Single(query.Elements(DiscoInfo + "identity"));
        Assert.Equal("server", (string?)identity.Attribute("category"));
        Assert.Equal("im", (string?)identity.Attribute("type"));
        Assert.Equal("HighPerf XMPP", (string?)identity.Attribute("name"));

        string[] defaults = ["roster", "presence", "offline", "disco", "ping", "version", "time", "last", "vcard", "private", "blocking", "carbons", "csi", "muc"];
        Assert.Equal(Expected(defaults), await alice.FeaturesAsync("localhost"));
        Assert.Null(query.Element(DataForms + "x")); // no contact addresses configured
    }

    [Fact]
    public async Task Server_disco_info_follows_the_configured_module_list()
    {
        string[] enabled = ["roster", "presence", "disco", "ping", "register"];
        await using var server = await TestServers.StartAsync(c => c.Modules.Enabled = [.. enabled]);
        await using var alice = await server.LoginAsync("alice");
        Assert.Equal(Expected(enabled), await alice.FeaturesAsync("localhost"));

        // A module that is off answers nothing: its iqs are service-unavailable.
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<query xmlns='jabber:iq:version'/>", "localhost"));
    }

    [Fact]
    public async Task Server_disco_info_carries_the_configured_contact_addresses_as_a_serverinfo_form()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Modules.Disco.ServerName = "Example IM";
            c.Modules.Disco.ContactAddresses["admin"] = ["xmpp:admin@localhost", "mailto:admin@example.org"];
            c.Modules.Disco.ContactAddresses["abuse"] = ["mailto:abuse@example.org"];
        });
        await using var alice = await server.LoginAsync("alice");
        var query = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "localhost")).Element(DiscoInfo + "query")!;
        Assert.Equal("Example IM", (string?)query.Element(DiscoInfo + "identity")!.Attribute("name"));
        var form = query.Element(DataForms + "x")!;
        Assert.Equal("result", (string?)form.Attribute("type"));
        Assert.Equal("http://jabber.org/network/serverinfo", Values(form, "FORM_TYPE").Single());
        Assert.Equal(["xmpp:admin@localhost", "mailto:admin@example.org"], Values(form, "admin-addresses"));
        Assert.Equal(["mailto:abuse@example.org"], Values(form, "abuse-addresses"));
    }

    [Fact]
    public async Task Server_disco_items_lists_the_configured_items()
    {
        await using var server = await TestServers.StartAsync(c => c.Modules.Disco.Items = ["conference.localhost"]);
        await using var alice = await server.LoginAsync("alice");
        var items = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", "localhost")).Element(DiscoItems + "query")!;
        Assert.Equal("conference.localhost", (string?)Assert.Single(items.Elements(DiscoItems + "item")).Attribute("jid"));
    }

    [Fact]
    public async Task Account_disco_answers_the_owner_and_subscribed_contacts_and_hides_the_account_from_others()
    {
        await using var server = await TestServers.StartAsync(users: ["alice", "bob", "eve"]);
        await using var alice = await server.LoginAsync("alice");
        await using var bob = await server.LoginAsync("bob");
        await using var eve = await server.LoginAsync("eve");

        var own = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "alice@localhost")).Element(DiscoInfo + "query")!;
        var identity = own.Element(DiscoInfo + "identity")!;
        Assert.Equal(("account", "registered"), ((string?)identity.Attribute("category"), (string?)identity.Attribute("type")));
        var features = own.Elements(DiscoInfo + "feature").Select(f => (string?)f.Attribute("var")).ToList();
        Assert.Contains("vcard-temp", features);
        Assert.Contains("jabber:iq:last", features);

        // Bob may see Alice once she shares her presence with him (subscription from).
        await SubscribeAsync(bob, alice, "bob@localhost", "alice@localhost");
        await bob.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "alice@localhost");
        await bob.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", "alice@localhost");

        Assert.Equal("service-unavailable", await eve.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "alice@localhost"));
        Assert.Equal("service-unavailable", await eve.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "nobody@localhost"));
    }

    [Fact]
    public async Task Disco_errors_a_node_and_a_set()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice");
        Assert.Equal("item-not-found", await alice.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info' node='http://example.org#x'/>", "localhost"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "localhost"));
    }

    private static HashSet<string> Expected(IEnumerable<string> modules)
        => modules.SelectMany(m => ModuleFeatures[m]).ToHashSet(StringComparer.Ordinal);

    private static List<string> Values(XElement form, string var)
        => form.Elements(DataForms + "field").Single(f => (string?)f.Attribute("var") == var).Elements(DataForms + "value").Select(v => v.Value).ToList();

    /// <summary><paramref name="subscriber"/> subscribes to <paramref name="owner"/>'s presence and is approved (both
    /// become available first: a request reaches only an available resource at once).</summary>
    internal static async Task SubscribeAsync(XmppTestClient subscriber, XmppTestClient owner, string subscriberJid, string ownerJid)
    {
        foreach (var client in new[] { subscriber, owner })
        {
            await client.GetRosterAsync();
            await client.SendAsync("<presence/>");
        }

        await subscriber.SendAsync($"<presence to='{ownerJid}' type='subscribe'/>");
        await subscriber.ExpectPushAsync(ownerJid);
        await owner.ExpectPresenceAsync(subscriberJid, "subscribe");
        await owner.SendAsync($"<presence to='{subscriberJid}' type='subscribed'/>");
        Assert.Equal("from", (string?)(await owner.ExpectPushAsync(subscriberJid)).Attribute("subscription"));
        Assert.Equal("to", (string?)(await subscriber.ExpectPushAsync(ownerJid)).Attribute("subscription"));
    }
}
