using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Muc.MucSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>XEP-0045 groupchat, history, subject, private messages and invitations (§7.2.15, §7.4, §7.5, §7.8, §8.1).</summary>
public sealed class MucMessageTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_groupchat_message_is_reflected_to_every_occupant_with_the_occupant_jid_and_the_senders_id()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        var room = Room("fanout");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");
        await carol.JoinAsync(room, "Carol");

        await bob.SendAsync($"<message to='{room}' type='groupchat' id='msg-42'><body>hello &amp; welcome</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
        foreach (var (client, jid) in new[] { (alice, "alice@localhost/pc"), (bob, "bob@localhost/pc"), (carol, "carol@localhost/pc") })
        {
            var copy = await client.ExpectGroupchatAsync($"{room}/Bob", "hello & welcome");
            Assert.Equal("msg-42", (string?)copy.Attribute("id"));
            Assert.Equal(jid, (string?)copy.Attribute("to"));
            Assert.Equal("groupchat", (string?)copy.Attribute("type"));
            Assert.NotNull(copy.Element(XName.Get("active", "http://jabber.org/protocol/chatstates")));
        }
    }

    [Fact]
    public async Task Groupchat_from_outside_the_room_or_to_an_occupant_or_to_a_missing_room_is_refused()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("guarded");
        await alice.CreateRoomAsync(room, "Alice");

        await bob.SendGroupchatAsync(room, "let me in", "x1");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("x1"))));

        await alice.SendAsync($"<message to='{room}/Alice' type='groupchat' id='x2'><body>to a nick</body></message>");
        Assert.Equal("bad-request", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("x2"))));

        await alice.SendAsync($"<message to='{Room("nowhere")}' type='groupchat' id='x3'><body>?</body></message>");
        Assert.Equal("item-not-found", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("x3"))));

        // A private message from a non-occupant, and an iq to the room of an unknown payload.
        await bob.SendAsync($"<message to='{room}/Alice' type='chat' id='x4'><body>psst</body></message>");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("x4"))));
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<query xmlns='jabber:iq:version'/>", room));

        // Nothing leaked to the room.
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task History_is_sent_on_entering_with_delay_stamps_within_the_limits_asked_for()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        var room = Room("history");
        await alice.CreateRoomAsync(room, "Alice");
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendGroupchatAsync(room, $"m{i}", $"h{i}");
            await alice.ExpectGroupchatAsync($"{room}/Alice", $"m{i}");
        }

        await using var bob = await _server.LoginAsync("bob", "pc");
        await bob.SendAsync($"<presence to='{room}/Bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && Codes(e).Contains(110));
        var bodies = new List<string>();
        while (true)
        {
            var next = await bob.ExpectAsync(e => e.Name == Client + "message");
            if (next.Element(Client + "subject") is not null)
            {
                break; // the subject ends the join
            }

            Assert.Equal($"{room}/Alice", (string?)next.Attribute("from"));
            Assert.Equal("bob@localhost/pc", (string?)next.Attribute("to"));
            var delay = next.Element(Delay + "delay")!;
            Assert.Equal(room, (string?)delay.Attribute("from"));
            Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)delay.Attribute("stamp")!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5));
            bodies.Add(next.Element(Client + "body")!.Value);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], bodies);

        await using var carol = await _server.LoginAsync("carol", "pc");
        await carol.SendAsync($"<presence to='{room}/Carol'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='2'/></x></presence>");
        await carol.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Carol") && Codes(e).Contains(110));
        Assert.Equal("m4", (await carol.ExpectAsync(e => e.Name == Client + "message")).Element(Client + "body")?.Value);
        Assert.Equal("m5", (await carol.ExpectAsync(e => e.Name == Client + "message")).Element(Client + "body")?.Value);
        Assert.NotNull((await carol.ExpectAsync(e => e.Name == Client + "message")).Element(Client + "subject"));

        // maxchars='0' and a 'since' in the future: no history at all, the subject straight away.
        await using var dave = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "alice", "secret", "second");
        await dave.SendAsync($"<presence to='{room}/Alice2'><x xmlns='http://jabber.org/protocol/muc'><history maxchars='0'/></x></presence>");
        await dave.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice2") && Codes(e).Contains(110));
        Assert.NotNull((await dave.ExpectAsync(e => e.Name == Client + "message")).Element(Client + "subject"));
        await dave.SendAsync($"<presence to='{room}/Alice2' type='unavailable'/>");
        await dave.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice2") && (string?)e.Attribute("type") == "unavailable");
        var future = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await dave.SendAsync($"<presence to='{room}/Alice2'><x xmlns='http://jabber.org/protocol/muc'><history since='{future}'/></x></presence>");
        await dave.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice2") && Codes(e).Contains(110));
        Assert.NotNull((await dave.ExpectAsync(e => e.Name == Client + "message")).Element(Client + "subject"));
    }

    [Fact]
    public async Task The_subject_is_set_by_moderators_or_by_anyone_when_allowed_and_sent_to_newcomers()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("subjects");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");

        await bob.SendAsync($"<message to='{room}' type='groupchat' id='s1'><subject>bob's topic</subject></message>");
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("s1"))));

        await alice.SendAsync($"<message to='{room}' type='groupchat' id='s2'><subject>Plans &lt;2026&gt;</subject></message>");
        var changed = await bob.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "subject") is not null);
        Assert.Equal("Plans <2026>", changed.Element(Client + "subject")!.Value);
        Assert.Equal($"{room}/Alice", (string?)changed.Attribute("from"));

        await using var carol = await _server.LoginAsync("carol", "pc");
        await carol.SendAsync($"<presence to='{room}/Carol'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        var subject = await carol.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "subject") is not null);
        Assert.Equal("Plans <2026>", subject.Element(Client + "subject")!.Value);
        Assert.Equal($"{room}/Alice", (string?)subject.Attribute("from"));

        await alice.ConfigureAsync(room, ("muc#roomconfig_changesubject", "1"));
        await bob.SendAsync($"<message to='{room}' type='groupchat' id='s3'><subject>bob's topic</subject></message>");
        await alice.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "subject")?.Value == "bob's topic");
    }

    [Fact]
    public async Task Private_messages_go_between_occupants_under_their_nicknames_unless_the_room_forbids_them()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        var room = Room("whispers");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");

        await bob.SendAsync($"<message to='{room}/Alice' type='chat' id='pm1'><body>just you</body></message>");
        var pm = await alice.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "body")?.Value == "just you");
        Assert.Equal($"{room}/Bob", (string?)pm.Attribute("from"));
        Assert.Equal("alice@localhost/pc", (string?)pm.Attribute("to"));
        Assert.Equal("pm1", (string?)pm.Attribute("id"));

        await bob.SendAsync($"<message to='{room}/Nobody' type='chat' id='pm2'><body>?</body></message>");
        Assert.Equal("item-not-found", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("pm2"))));

        await alice.ConfigureAsync(room, ("muc#roomconfig_allowpm", "moderators"));
        await bob.SendAsync($"<message to='{room}/Alice' type='chat' id='pm3'><body>again</body></message>");
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("pm3"))));
        await alice.SendAsync($"<message to='{room}/Bob' type='chat' id='pm4'><body>moderators may</body></message>");
        await bob.ExpectAsync(e => e.Name == Client + "message" && (string?)e.Attribute("from") == $"{room}/Alice" && e.Element(Client + "body")?.Value == "moderators may");
    }

    [Fact]
    public async Task A_mediated_invitation_reaches_the_invitee_and_a_decline_reaches_the_inviter()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var carol = await _server.LoginAsync("carol", "pc");
        await carol.BecomeAvailableAsync();
        var room = Room("invites");
        await alice.CreateRoomAsync(room, "Alice");

        await alice.SendAsync($"<message to='{room}' id='inv1'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='carol@localhost'><reason>come &amp; see</reason></invite></x></message>");
        var invitation = await carol.ExpectAsync(e => e.Name == Client + "message" && e.Element(User + "x")?.Element(User + "invite") is not null);
        Assert.Equal(room, (string?)invitation.Attribute("from"));
        var invite = invitation.Element(User + "x")!.Element(User + "invite")!;
        Assert.Equal("alice@localhost/pc", (string?)invite.Attribute("from"));
        Assert.Equal("come & see", invite.Element(User + "reason")?.Value);

        await carol.SendAsync($"<message to='{room}'><x xmlns='http://jabber.org/protocol/muc#user'><decline to='alice@localhost/pc'><reason>busy</reason></decline></x></message>");
        var declined = await alice.ExpectAsync(e => e.Name == Client + "message" && e.Element(User + "x")?.Element(User + "decline") is not null);
        Assert.Equal(room, (string?)declined.Attribute("from"));
        Assert.Equal("carol@localhost", (string?)declined.Element(User + "x")!.Element(User + "decline")!.Attribute("from"));
        Assert.Equal("busy", declined.Element(User + "x")!.Element(User + "decline")!.Element(User + "reason")?.Value);

        // Non-occupants cannot invite; a malformed invitee is jid-malformed.
        await carol.SendAsync($"<message to='{room}' id='inv2'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='bob@localhost'/></x></message>");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await carol.ExpectAsync(Wire.Reply("inv2"))));
        await alice.SendAsync($"<message to='{room}' id='inv3'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='@@'/></x></message>");
        Assert.Equal("jid-malformed", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("inv3"))));
    }

    [Fact]
    public async Task A_direct_invitation_passes_through_to_the_invitee_untouched()
    {
        await using var alice = await _server.LoginAsync("alice", "pc");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await bob.BecomeAvailableAsync();
        var room = Room("direct");
        await alice.SendAsync($"<message to='bob@localhost' id='d1'><x xmlns='jabber:x:conference' jid='{room}' reason='join us'/></message>");
        var direct = await bob.ExpectAsync(e => e.Name == Client + "message" && (string?)e.Attribute("id") == "d1");
        var x = direct.Element(XName.Get("x", "jabber:x:conference"))!;
        Assert.Equal(room, (string?)x.Attribute("jid"));
        Assert.Equal("join us", (string?)x.Attribute("reason"));
        Assert.Equal("alice@localhost/pc", (string?)direct.Attribute("from"));
    }
}
