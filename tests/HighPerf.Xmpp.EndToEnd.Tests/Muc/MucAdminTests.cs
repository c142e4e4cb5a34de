using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Muc.MucSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>XEP-0045 roles and affiliations through the admin and owner iqs (§8-§10), and the entry rules they drive.</summary>
public sealed class MucAdminTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string AdminItem(string attributes, string reason = "")
        => $"<query xmlns='http://jabber.org/protocol/muc#admin'><item {attributes}>{reason}</item></query>";

    [Fact]
    public async Task A_moderator_kicks_an_occupant_who_gets_307_and_everyone_sees_it_leave()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        var room = Room("kicks");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");
        await carol.JoinAsync(room, "Carol");

        // A participant may not kick.
        Assert.Equal("forbidden", await carol.IqErrorAsync("set", AdminItem("nick='Bob' role='none'"), room));

        await alice.IqResultAsync("set", AdminItem("nick='Bob' role='none'", "<reason>spam</reason>"), room);
        var kicked = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        Assert.Equal([110, 307], Codes(kicked).Order());
        Assert.Equal("spam", Item(kicked)!.Element(User + "reason")?.Value);
        Assert.Equal("Alice", (string?)Item(kicked)!.Element(User + "actor")?.Attribute("nick"));
        var seen = await carol.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        Assert.Equal([307], Codes(seen).Order());

        await bob.SendGroupchatAsync(room, "am I in?", "k1");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("k1"))));

        // The owner cannot be kicked; an unknown nick is item-not-found.
        await bob.JoinAsync(room, "Bob");
        Assert.Equal("item-not-found", await alice.IqErrorAsync("set", AdminItem("nick='Ghost' role='none'"), room));
        Assert.Equal("not-allowed", await alice.IqErrorAsync("set", AdminItem("nick='Alice' role='none'"), room));
    }

    [Fact]
    public async Task A_banned_user_is_removed_with_301_and_cannot_enter_again_until_unbanned()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("bans");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");

        Assert.Equal("forbidden", await bob.IqErrorAsync("set", AdminItem("jid='alice@localhost' affiliation='outcast'"), room));
        await alice.IqResultAsync("set", AdminItem("jid='bob@localhost' affiliation='outcast'", "<reason>troll</reason>"), room);
        var banned = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        Assert.Equal([110, 301], Codes(banned).Order());
        Assert.Equal("outcast", (string?)Item(banned)!.Attribute("affiliation"));

        Assert.Equal("forbidden", await bob.JoinErrorAsync(room, "Bob"));
        var outcasts = await alice.IqResultAsync("get", AdminItem("affiliation='outcast'"), room);
        Assert.Equal(["bob@localhost"], outcasts.Element(Admin + "query")!.Elements(Admin + "item").Select(i => (string)i.Attribute("jid")!));

        await alice.IqResultAsync("set", AdminItem("jid='bob@localhost' affiliation='none'"), room);
        await bob.JoinAsync(room, "Bob");
    }

    [Fact]
    public async Task Members_only_rooms_refuse_non_members_with_registration_required_and_admit_members()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        var room = Room("club");
        await alice.CreateRoomAsync(room, "Alice", ("muc#roomconfig_membersonly", "1"));

        Assert.Equal("registration-required", await bob.JoinErrorAsync(room, "Bob"));
        await alice.IqResultAsync("set", AdminItem("jid='bob@localhost' affiliation='member'"), room);
        var self = await bob.JoinAsync(room, "Bob");
        Assert.Equal("member", (string?)Item(self)!.Attribute("affiliation"));

        var members = await alice.IqResultAsync("get", AdminItem("affiliation='member'"), room);
        Assert.Equal(["bob@localhost"], members.Element(Admin + "query")!.Elements(Admin + "item").Select(i => (string)i.Attribute("jid")!));
        Assert.Equal("forbidden", await bob.IqErrorAsync("get", AdminItem("affiliation='member'"), room));

        // Removing the membership removes him (321).
        await alice.IqResultAsync("set", AdminItem("jid='bob@localhost' affiliation='none'"), room);
        var removed = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        Assert.Contains(321, Codes(removed));

        // An admin's invitation into a members-only room makes the invitee a member.
        await carol.BecomeAvailableAsync();
        await alice.SendAsync($"<message to='{room}'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='carol@localhost'/></x></message>");
        await carol.ExpectAsync(e => e.Element(User + "x")?.Element(User + "invite") is not null);
        await carol.JoinAsync(room, "Carol");
    }

    [Fact]
    public async Task A_password_protected_room_needs_the_password_and_a_full_room_refuses_with_service_unavailable()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        var room = Room("secret");
        await alice.CreateRoomAsync(room, "Alice",
            ("muc#roomconfig_passwordprotectedroom", "1"), ("muc#roomconfig_roomsecret", "s3cret"), ("muc#roomconfig_maxusers", "2"));

        Assert.Equal("not-authorized", await bob.JoinErrorAsync(room, "Bob"));
        Assert.Equal("not-authorized", await bob.JoinErrorAsync(room, "Bob", "<password>wrong</password>"));
        await bob.JoinAsync(room, "Bob", "<password>s3cret</password>");
        Assert.Equal("service-unavailable", await carol.JoinErrorAsync(room, "Carol", "<password>s3cret</password>"));
    }

    [Fact]
    public async Task In_a_moderated_room_visitors_cannot_speak_until_given_voice()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("stage");
        await alice.CreateRoomAsync(room, "Alice", ("muc#roomconfig_moderatedroom", "1"));
        var self = await bob.JoinAsync(room, "Bob");
        Assert.Equal("visitor", (string?)Item(self)!.Attribute("role"));

        await bob.SendGroupchatAsync(room, "hello?", "v1");
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("v1"))));

        await alice.IqResultAsync("set", AdminItem("nick='Bob' role='participant'"), room);
        var voiced = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)Item(e)?.Attribute("role") == "participant");
        Assert.Contains(110, Codes(voiced));
        await bob.SendGroupchatAsync(room, "now I speak", "v2");
        await alice.ExpectGroupchatAsync($"{room}/Bob", "now I speak");

        var participants = await alice.IqResultAsync("get", AdminItem("role='participant'"), room);
        Assert.Equal("Bob", (string?)participants.Element(Admin + "query")!.Element(Admin + "item")!.Attribute("nick"));
    }

    [Fact]
    public async Task Only_owners_grant_admin_and_ownership_and_the_last_owner_cannot_step_down()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("ranks");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");

        Assert.Equal("conflict", await alice.IqErrorAsync("set", AdminItem("jid='alice@localhost' affiliation='member'"), room));
        await alice.IqResultAsync("set", AdminItem("jid='bob@localhost' affiliation='admin'"), room);
        var promoted = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)Item(e)?.Attribute("affiliation") == "admin");
        Assert.Equal("moderator", (string?)Item(promoted)!.Attribute("role"));

        // A new moderator of a semi-anonymous room is shown the real JIDs it may now see (§9.6).
        var revealed = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice"));
        Assert.Equal("alice@localhost/pc", (string?)Item(revealed)!.Attribute("jid"));

        // An admin may not touch owners or make owners, and may not read the owner's config form.
        Assert.Equal("not-allowed", await bob.IqErrorAsync("set", AdminItem("jid='carol@localhost' affiliation='owner'"), room));
        Assert.Equal("not-allowed", await bob.IqErrorAsync("set", AdminItem("jid='alice@localhost' affiliation='outcast'"), room));
        Assert.Equal("forbidden", await bob.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/muc#owner'/>", room));
        Assert.Equal("bad-request", await bob.IqErrorAsync("set", AdminItem("jid='carol@localhost' affiliation='emperor'"), room));
    }

    [Fact]
    public async Task The_owner_reads_the_config_form_and_destroying_the_room_tells_occupants_the_alternate_venue()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("doomed");
        await alice.CreateRoomAsync(room, "Alice", ("muc#roomconfig_roomname", "Doomed room"), ("muc#maxhistoryfetch", "5"));
        await bob.JoinAsync(room, "Bob");

        var form = (await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/muc#owner'/>", room)).Element(Owner + "query")!.Element(Data + "x")!;
        string? Value(string name) => form.Elements(Data + "field").FirstOrDefault(f => (string?)f.Attribute("var") == name)?.Element(Data + "value")?.Value;
        Assert.Equal("form", (string?)form.Attribute("type"));
        Assert.Equal("http://jabber.org/protocol/muc#roomconfig", Value("FORM_TYPE"));
        Assert.Equal("Doomed room", Value("muc#roomconfig_roomname"));
        Assert.Equal("5", Value("muc#maxhistoryfetch"));
        Assert.Equal("0", Value("muc#roomconfig_membersonly"));
        Assert.Equal("moderators", Value("muc#roomconfig_whois"));

        Assert.Equal("forbidden", await bob.IqErrorAsync("set", "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query>", room));
        await alice.IqResultAsync("set", $"<query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='{Room("phoenix")}'><reason>moving</reason></destroy></query>", room);
        var gone = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        var destroy = gone.Element(User + "x")!.Element(User + "destroy")!;
        Assert.Equal(Room("phoenix"), (string?)destroy.Attribute("jid"));
        Assert.Equal("moving", destroy.Element(User + "reason")?.Value);

        await bob.SendGroupchatAsync(room, "anyone?", "d1");
        Assert.Equal("item-not-found", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("d1"))));
    }

    [Fact]
    public async Task Non_anonymous_rooms_show_real_jids_to_everyone_with_status_100()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("open-book");
        await alice.CreateRoomAsync(room, "Alice", ("muc#roomconfig_whois", "anyone"));
        await bob.SendAsync($"<presence to='{room}/Bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        var aliceSeen = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice"));
        Assert.Equal("alice@localhost/pc", (string?)Item(aliceSeen)!.Attribute("jid"));
        var self = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob"));
        Assert.Equal([100, 110], Codes(self).Order());
    }
}
