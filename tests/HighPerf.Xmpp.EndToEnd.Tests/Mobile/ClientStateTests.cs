using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Mobile.MobileSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Mobile;

/// <summary>XEP-0352 client state indication: the feature, holding and coalescing while inactive, and what flushes.</summary>
public sealed class ClientStateTests : IAsyncLifetime
{
    private static readonly XNamespace ChatStates = "http://jabber.org/protocol/chatstates";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol", "dave"]);
        await BefriendAsync(_server, "alice", "bob");
        await BefriendAsync(_server, "alice", "carol");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(XmppTestClient Alice, XmppTestClient Bob, XmppTestClient Carol)> OnlineAsync()
    {
        var bob = await ImSteps.OnlineAsync(_server, "bob", "pc");
        var carol = await ImSteps.OnlineAsync(_server, "carol", "pc");
        var alice = await ImSteps.OnlineAsync(_server, "alice", "phone");
        var contacts = new HashSet<string>(StringComparer.Ordinal);
        await alice.ExpectAsync(e =>
        {
            if (e.Name.LocalName == "presence" && (string?)e.Attribute("from") is "bob@localhost/pc" or "carol@localhost/pc")
            {
                contacts.Add((string)e.Attribute("from")!);
            }

            return contacts.Count == 2;
        });
        await alice.SendAsync("<inactive xmlns='urn:xmpp:csi:0'/>");
        // An iq after it on the same stream is answered once <inactive/> was processed (an iq reply is never held).
        await alice.SendAsync("<iq type='get' id='after-inactive'><ping xmlns='urn:xmpp:ping'/></iq>");
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "after-inactive");
        return (alice, bob, carol);
    }

    [Fact]
    public async Task Csi_is_offered_as_a_stream_feature_after_authentication()
    {
        await using var client = await _server.ConnectAsync();
        var before = await client.OpenStreamAsync();
        Assert.Null(before.Element(XName.Get("csi", "urn:xmpp:csi:0")));
        await client.StartTlsAsync();
        await client.AuthenticateAsync("alice", "secret");
        var after = await client.OpenStreamAsync();
        Assert.NotNull(after.Element(XName.Get("csi", "urn:xmpp:csi:0")));
    }

    [Fact]
    public async Task While_inactive_presence_and_chat_states_are_coalesced_to_the_latest_per_sender_and_sent_on_active()
    {
        var (alice, bob, carol) = await OnlineAsync();
        await using var a = alice;
        await using var b = bob;
        await using var c = carol;
        foreach (var show in new[] { "away", "dnd", "xa", "chat" })
        {
            await bob.SendAsync($"<presence><show>{show}</show></presence>");
        }

        await carol.SendAsync("<presence><show>away</show></presence>");
        await carol.SendAsync("<presence><show>dnd</show></presence>");
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='cs1'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='cs2'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await bob.SyncAsync();
        await carol.SyncAsync();
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));

        await alice.SendAsync("<active xmlns='urn:xmpp:csi:0'/>");
        var received = await alice.SyncAsync();
        var fromBob = received.Where(e => e.Name.LocalName == "presence" && (string?)e.Attribute("from") == "bob@localhost/pc").ToList();
        var fromCarol = received.Where(e => e.Name.LocalName == "presence" && (string?)e.Attribute("from") == "carol@localhost/pc").ToList();
        Assert.Equal("chat", Assert.Single(fromBob).Element(Client + "show")?.Value);
        Assert.Equal("dnd", Assert.Single(fromCarol).Element(Client + "show")?.Value);
        var states = received.Where(e => e.Name.LocalName == "message").ToList();
        Assert.Equal("cs2", (string?)Assert.Single(states).Attribute("id"));
        Assert.NotNull(states[0].Element(ChatStates + "paused"));
    }

    [Fact]
    public async Task A_message_with_a_body_flushes_what_is_held_first_in_order()
    {
        var (alice, bob, carol) = await OnlineAsync();
        await using var a = alice;
        await using var b = bob;
        await using var c = carol;
        await carol.SendAsync("<presence><show>away</show></presence>");
        await carol.SyncAsync();
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='cs3'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='body1'><body>wake up</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");

        var arrived = new List<XElement>();
        await alice.ExpectAsync(e =>
        {
            arrived.Add(e);
            return IsMessage(e, "body1");
        });
        Assert.Equal(["presence", "message", "message"], arrived.Select(e => e.Name.LocalName));
        Assert.Equal("carol@localhost/pc", (string?)arrived[0].Attribute("from"));
        Assert.Equal("cs3", (string?)arrived[1].Attribute("id"));
    }

    [Theory]
    [InlineData("<presence to='alice@localhost' type='subscribe'/>")]
    [InlineData("<iq to='alice@localhost/phone' type='get' id='wake'><ping xmlns='urn:xmpp:ping'/></iq>")]
    [InlineData("<message to='alice@localhost/phone' type='error' id='err'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")]
    public async Task Important_stanzas_are_sent_at_once_with_what_was_held(string important)
    {
        var (alice, bob, carol) = await OnlineAsync();
        await using var a = alice;
        await using var b = bob;
        await using var c = carol;
        await carol.SendAsync("<presence><show>away</show></presence>");
        await carol.SyncAsync();
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200));

        await using var dave = await _server.LoginAsync("dave", "pc"); // no subscription with alice
        await dave.SendAsync(important);
        var first = await alice.NextElementAsync();
        Assert.Equal("carol@localhost/pc", (string?)first.Attribute("from"));
        Assert.Equal("away", first.Element(Client + "show")?.Value);
        var second = await alice.NextElementAsync();
        Assert.StartsWith("dave@localhost", (string?)second.Attribute("from"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Own_iq_replies_are_not_held()
    {
        var (alice, bob, carol) = await OnlineAsync();
        await using var a = alice;
        await using var b = bob;
        await using var c = carol;
        await alice.SendAsync("<iq type='get' id='own-ping'><ping xmlns='urn:xmpp:ping'/></iq>");
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "own-ping");
    }
}
