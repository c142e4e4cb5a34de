using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Modules.ModuleSteps;
using static HighPerf.Xmpp.EndToEnd.Tests.Muc.MucSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>The MUC service itself: discovery (XEP-0045 §6) and persistent rooms across restarts.</summary>
public sealed class MucServiceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_service_is_in_the_servers_disco_items_and_lists_public_rooms_and_room_features()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        var items = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", "localhost")).Element(DiscoItems + "query")!;
        Assert.Contains(Service, items.Elements(DiscoItems + "item").Select(i => (string?)i.Attribute("jid")));

        var info = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", Service)).Element(DiscoInfo + "query")!;
        var identity = info.Element(DiscoInfo + "identity")!;
        Assert.Equal(("conference", "text"), ((string?)identity.Attribute("category"), (string?)identity.Attribute("type")));
        Assert.Contains("http://jabber.org/protocol/muc", info.Elements(DiscoInfo + "feature").Select(f => (string?)f.Attribute("var")));

        await alice.CreateRoomAsync(Room("lobby"), "Alice", ("muc#roomconfig_roomname", "The Lobby"), ("muc#roomconfig_roomdesc", "Say hi"));
        await alice.CreateRoomAsync(Room("backroom"), "Alice", ("muc#roomconfig_publicroom", "0"), ("muc#roomconfig_membersonly", "1"), ("muc#roomconfig_passwordprotectedroom", "1"), ("muc#roomconfig_roomsecret", "x"), ("muc#roomconfig_moderatedroom", "1"));
        await alice.JoinAsync(Room("locked"), "Alice"); // never configured: not listed

        var rooms = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", Service)).Element(DiscoItems + "query")!;
        var lobby = Assert.Single(rooms.Elements(DiscoItems + "item"));
        Assert.Equal(Room("lobby"), (string?)lobby.Attribute("jid"));
        Assert.Equal("The Lobby", (string?)lobby.Attribute("name"));

        Assert.Equal(
            ["http://jabber.org/protocol/muc", "muc_open", "muc_public", "muc_semianonymous", "muc_temporary", "muc_unmoderated", "muc_unsecured"],
            await MucFeaturesAsync(alice, Room("lobby")));
        Assert.Equal(
            ["http://jabber.org/protocol/muc", "muc_hidden", "muc_membersonly", "muc_moderated", "muc_passwordprotected", "muc_semianonymous", "muc_temporary"],
            await MucFeaturesAsync(alice, Room("backroom")));

        var lobbyInfo = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", Room("lobby"))).Element(DiscoInfo + "query")!;
        Assert.Equal("The Lobby", (string?)lobbyInfo.Element(DiscoInfo + "identity")!.Attribute("name"));
        var roomInfo = lobbyInfo.Element(Data + "x")!;
        string? Value(string name) => roomInfo.Elements(Data + "field").FirstOrDefault(f => (string?)f.Attribute("var") == name)?.Element(Data + "value")?.Value;
        Assert.Equal("http://jabber.org/protocol/muc#roominfo", Value("FORM_TYPE"));
        Assert.Equal("Say hi", Value("muc#roominfo_description"));
        Assert.Equal("1", Value("muc#roominfo_occupants"));

        Assert.Equal("item-not-found", await alice.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", Room("nothing-here")));
    }

    private static async Task<string[]> MucFeaturesAsync(XmppTestClient client, string room)
    {
        var features = await client.FeaturesAsync(room);
        return [.. features.Where(f => f.StartsWith("muc_", StringComparison.Ordinal) || f == "http://jabber.org/protocol/muc").Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task A_persistent_room_keeps_its_configuration_and_affiliations_across_a_restart()
    {
        var room = Room("archive");
        await using (var alice = await _server.LoginAsync("alice", "pc"))
        {
            await alice.CreateRoomAsync(room, "Alice",
                ("muc#roomconfig_persistentroom", "1"), ("muc#roomconfig_roomname", "Archive"), ("muc#roomconfig_membersonly", "1"));
            await alice.IqResultAsync("set", "<query xmlns='http://jabber.org/protocol/muc#admin'><item jid='bob@localhost' affiliation='member'/></query>", room);
            await alice.SendAsync($"<message to='{room}' type='groupchat'><subject>Kept topic</subject></message>");
            await alice.ExpectAsync(e => e.Element(Client + "subject")?.Value == "Kept topic");

            // The subject is stored as it changes; this acknowledged change is committed after it.
            await alice.ConfigureAsync(room, ("muc#roomconfig_roomdesc", "Old things"));
        }

        await _server.RestartAsync();
        await using var bob = await _server.LoginAsync("bob", "pc");
        await bob.SendAsync($"<presence to='{room}/Bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        var self = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && Codes(e).Contains(110));
        var subject = await bob.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "subject") is not null);
        Assert.Equal("Kept topic", subject.Element(Client + "subject")!.Value);
        Assert.Equal("member", (string?)Item(self)!.Attribute("affiliation"));
        Assert.DoesNotContain(201, Codes(self));

        var info = (await bob.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", room)).Element(DiscoInfo + "query")!;
        Assert.Equal("Archive", (string?)info.Element(DiscoInfo + "identity")!.Attribute("name"));
        var features = info.Elements(DiscoInfo + "feature").Select(f => (string?)f.Attribute("var")).ToList();
        Assert.Contains("muc_persistent", features);
        Assert.Contains("muc_membersonly", features);

        await using var alice2 = await _server.LoginAsync("alice", "pc");
        var owner = await alice2.JoinAsync(room, "Alice");
        Assert.Equal("owner", (string?)Item(owner)!.Attribute("affiliation"));

        // Stopping persistence removes the stored room: after the next restart and everyone leaving, it is new again.
        await alice2.ConfigureAsync(room, ("muc#roomconfig_persistentroom", "0"));
    }
}
