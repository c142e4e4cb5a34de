using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Muc.MucSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>XEP-0045 entering, presence, nickname changes and leaving (§7.1-§7.7, §10.1).</summary>
public sealed class MucJoinTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Joining_a_new_room_creates_it_locked_with_201_and_the_creator_as_owner_and_moderator()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("created");
        var self = await alice.JoinAsync(room, "Alice");
        Assert.Equal([110, 201], Codes(self).Order());
        Assert.Equal("owner", (string?)Item(self)!.Attribute("affiliation"));
        Assert.Equal("moderator", (string?)Item(self)!.Attribute("role"));
        Assert.Equal("alice@localhost/pc", (string?)Item(self)!.Attribute("jid")); // one's own presence shows one's JID

        // §10.1.1: until the owner configures it, nobody else enters.
        Assert.Equal("item-not-found", await bob.JoinErrorAsync(room, "Bob"));

        // An instant room: the empty submit unlocks it.
        await alice.ConfigureAsync(room);
        var bobSelf = await bob.JoinAsync(room, "Bob");
        Assert.Equal([110], Codes(bobSelf).Order());
        Assert.Equal("none", (string?)Item(bobSelf)!.Attribute("affiliation"));
        Assert.Equal("participant", (string?)Item(bobSelf)!.Attribute("role"));
    }

    [Fact]
    public async Task Occupants_see_each_others_presence_on_entering_and_presence_updates_are_broadcast()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("presence");
        await alice.CreateRoomAsync(room, "Alice");

        await bob.SendAsync($"<presence to='{room}/Bob'><show>away</show><status>lunch</status><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        // Bob first learns of Alice (semi-anonymous room: he is not a moderator, so no real JID), then himself.
        var aliceSeen = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice"));
        Assert.Null(Item(aliceSeen)!.Attribute("jid"));
        Assert.Equal("moderator", (string?)Item(aliceSeen)!.Attribute("role"));
        var bobSelf = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Contains(110, Codes(bobSelf));

        // Alice, a moderator, sees Bob's real JID and his show/status, without the join element.
        var bobSeen = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Equal("bob@localhost/pc", (string?)Item(bobSeen)!.Attribute("jid"));
        Assert.Equal("away", bobSeen.Element(Client + "show")?.Value);
        Assert.Null(bobSeen.Element(MucNs + "x"));
        Assert.DoesNotContain(110, Codes(bobSeen));

        await bob.SendAsync($"<presence to='{room}/Bob'><show>dnd</show></presence>");
        var update = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Equal("dnd", update.Element(Client + "show")?.Value);
    }

    [Fact]
    public async Task A_taken_nickname_is_a_conflict_and_a_missing_or_malformed_one_is_jid_malformed()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("nicks");
        await alice.CreateRoomAsync(room, "Alice");
        Assert.Equal("conflict", await bob.JoinErrorAsync(room, "Alice"));

        await bob.SendAsync($"<presence to='{room}' id='p1'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        var noNick = await bob.ExpectAsync(e => (string?)e.Attribute("from") == room && (string?)e.Attribute("type") == "error");
        Assert.Equal("jid-malformed", Wire.ErrorCondition(noNick));

        // A nickname that is not a valid resourcepart (a C1 control character, legal XML but not in a resourcepart).
        await bob.SendAsync($"<presence to='{room}/bad&#x85;nick' id='p2'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        var bad = await bob.ExpectAsync(Wire.Reply("p2"));
        Assert.Equal("jid-malformed", Wire.ErrorCondition(bad));
    }

    [Fact]
    public async Task Changing_nickname_sends_303_with_the_new_nick_then_the_new_presence()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("renames");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");
        await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));

        // Taken: conflict, nothing changes.
        await bob.SendAsync($"<presence to='{room}/Alice'/>");
        var conflict = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice") && (string?)e.Attribute("type") == "error");
        Assert.Equal("conflict", Wire.ErrorCondition(conflict));

        await bob.SendAsync($"<presence to='{room}/Robert'/>");
        var gone = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Equal("unavailable", (string?)gone.Attribute("type"));
        Assert.Contains(303, Codes(gone));
        Assert.Equal("Robert", (string?)Item(gone)!.Attribute("nick"));
        var back = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Robert"));
        Assert.Null((string?)back.Attribute("type"));

        var selfGone = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Equal([110, 303], Codes(selfGone).Order());
        await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Robert") && Codes(e).Contains(110));

        // Messages now come from the new nick.
        await bob.SendGroupchatAsync(room, "renamed");
        await alice.ExpectGroupchatAsync($"{room}/Robert", "renamed");
    }

    [Fact]
    public async Task Leaving_by_unavailable_presence_or_disconnect_or_broadcast_unavailable_tells_the_others()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        var bob = await _server.LoginAsync("bob", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        var room = Room("leaving");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");
        await carol.JoinAsync(room, "Carol");

        await carol.SendAsync($"<presence to='{room}/Carol' type='unavailable'><status>bye</status></presence>");
        var carolSelf = await carol.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Carol") && (string?)e.Attribute("type") == "unavailable");
        Assert.Contains(110, Codes(carolSelf));
        var carolGone = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Carol") && (string?)e.Attribute("type") == "unavailable");
        Assert.Equal("bye", carolGone.Element(Client + "status")?.Value);
        Assert.Equal("none", (string?)Item(carolGone)!.Attribute("role"));

        // A session that ends without a word leaves its rooms.
        await bob.DisposeAsync();
        await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");

        // Broadcast unavailable presence (no 'to') reaches the room too (RFC 6121 §4.6.3).
        await carol.JoinAsync(room, "Carol");
        await carol.SendAsync("<presence type='unavailable'/>");
        await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Carol") && (string?)e.Attribute("type") == "unavailable");

        // Gone means gone: groupchat from a former occupant is refused.
        await carol.SendGroupchatAsync(room, "still here?", "late");
        var refused = await carol.ExpectAsync(Wire.Reply("late"));
        Assert.Equal("not-acceptable", Wire.ErrorCondition(refused));
    }

    [Fact]
    public async Task A_temporary_room_disappears_with_its_last_occupant()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        var room = Room("ephemeral");
        await alice.CreateRoomAsync(room, "Alice");
        await alice.SendAsync($"<presence to='{room}/Alice' type='unavailable'/>");
        await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice") && (string?)e.Attribute("type") == "unavailable");

        // It is gone: entering creates it anew (201 again).
        var self = await alice.JoinAsync(room, "Alice");
        Assert.Contains(201, Codes(self));
    }
}
