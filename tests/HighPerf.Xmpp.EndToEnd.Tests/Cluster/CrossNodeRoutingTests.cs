using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// Two nodes on one Garnet engine with node links: a stanza for a session on the other node is forwarded over the
/// link and arrives as a local delivery would; bare-JID messages go to the highest priority across both nodes; a
/// bind of a full JID bound on the other node replaces it there; a wrong secret gets no link, and the stanza is
/// handled as for an offline recipient.
/// </summary>
public sealed class CrossNodeRoutingTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tests";
    private static readonly byte[] Bob = Encoding.UTF8.GetBytes("bob@localhost");
    private readonly string _prefix = "xr" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private ConnectionMultiplexer _observerConnection = null!;
    private SessionDirectory _observer = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _observerConnection = await ConnectionMultiplexer.ConnectAsync(
            GarnetDataStore.ConnectionOptions(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] }, "observer"));
        _observer = await SessionDirectory.StartAsync(_observerConnection, new SessionDirectoryOptions { NodeId = "observer", KeyPrefix = _prefix }, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _observerConnection.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task Messages_and_iqs_for_sessions_on_another_node_are_delivered_over_the_link()
    {
        await using var nodeA = await StartNodeAsync(Secret);
        await using var nodeB = await StartNodeAsync(Secret);
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        await using var bobLow = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "bob", "secret", "low");
        await using var bobHigh = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "high");
        await bobLow.BecomeAvailableAsync(priority: 1);
        await bobHigh.BecomeAvailableAsync(priority: 5);
        await WaitUntilListedAsync(s => s.Length == 2 && s.All(e => e.Available));

        // RFC 6121 §8.5.2.1.1 across nodes: only the highest priority (on node B) gets a message to the bare JID.
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='bare1'><body>to the bare JID</body></message>");
        var bare = await bobHigh.ExpectAsync(e => (string?)e.Attribute("id") == "bare1");
        Assert.Equal("alice@localhost/a", (string?)bare.Attribute("from"));
        Assert.Equal("to the bare JID", (string?)bare.Element(ImSteps.Client + "body"));

        // Full JID on the other node: delivered there, 'from' stamped by the sender's node.
        await alice.SendAsync("<message to='bob@localhost/high' type='chat' id='full1'><body>to the full JID</body></message>");
        var full = await bobHigh.ExpectAsync(e => (string?)e.Attribute("id") == "full1");
        Assert.Equal("alice@localhost/a", (string?)full.Attribute("from"));

        // An iq request to the other node's session, and its answer back to alice over the other direction's link.
        await alice.SendAsync("<iq to='bob@localhost/high' type='get' id='q1'><query xmlns='jabber:iq:version'/></iq>");
        var request = await bobHigh.ExpectAsync(e => (string?)e.Attribute("id") == "q1");
        Assert.Equal("alice@localhost/a", (string?)request.Attribute("from"));
        await bobHigh.SendAsync("<iq to='alice@localhost/a' type='result' id='q1'><query xmlns='jabber:iq:version'><name>test</name></query></iq>");
        var answer = await alice.ExpectAsync(e => ImSteps.IsResponse(e, "q1"));
        Assert.Equal("bob@localhost/high", (string?)answer.Attribute("from"));
        Assert.Equal("result", (string?)answer.Attribute("type"));

        // The lower-priority session on node A never saw the bare-JID message.
        await bobLow.SendAsync("<message to='bob@localhost/low' type='headline' id='barrier'/>");
        var next = await bobLow.ExpectAsync(e => e.Name.LocalName == "message");
        Assert.Equal("barrier", (string?)next.Attribute("id"));
    }

    [Fact]
    public async Task Binding_a_full_jid_bound_on_another_node_replaces_the_session_there()
    {
        await using var nodeA = await StartNodeAsync(Secret);
        await using var nodeB = await StartNodeAsync(Secret);
        await nodeA.AddUserAsync("bob");
        await using var first = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "bob", "secret", "phone");
        await WaitUntilListedAsync(s => s.Length == 1);

        await using var second = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "phone");
        await first.ExpectStreamErrorAsync("conflict", skipOthers: true);
        var listed = await WaitUntilListedAsync(s => s.Length == 1 && s[0].NodeId.StartsWith("b-", StringComparison.Ordinal));
        Assert.Equal("phone", Encoding.UTF8.GetString(listed[0].Resource));
    }

    [Fact]
    public async Task A_node_with_another_secret_gets_no_link_and_the_message_goes_to_offline_storage()
    {
        await using var nodeA = await StartNodeAsync("a-different-secret-entirely");
        await using var nodeB = await StartNodeAsync(Secret);
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        await using (var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b"))
        {
            await bob.BecomeAvailableAsync();
            await WaitUntilListedAsync(s => s.Length == 1 && s[0].Available);
            await alice.SendAsync("<message to='bob@localhost/b' type='chat' id='lost?'><body>kept</body></message>");
            await EventuallyAsync(() => nodeA.Host.Server.Store.Offline.Count("bob@localhost"u8), n => n == 1, TimeSpan.FromSeconds(30));
        }

        // Nothing was lost: the message waits in the shared store and comes at the next login, on either node.
        await using var again = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "again");
        await again.SendPresenceAsync();
        var stored = await again.ExpectAsync(e => (string?)e.Attribute("id") == "lost?");
        Assert.Equal("alice@localhost/a", (string?)stored.Attribute("from"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("huge-frame")]
    [InlineData("auth-with-a-wrong-mac")]
    [InlineData("stanza-before-auth")]
    public async Task A_link_connection_that_does_not_prove_the_secret_is_closed_and_the_node_keeps_serving(string input)
    {
        // The frames in the clear (cluster.tls off): the HMAC handshake is the same inside TLS (NodeLinkTlsTests).
        await using var node = await StartNodeAsync(Secret, tls: false);
        await node.AddUserAsync("alice");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(node.Host.NodeLinkEndPoint!);
        var challenge = new byte[5 + 16];
        var read = 0;
        while (read < challenge.Length)
        {
            var n = await socket.ReceiveAsync(challenge.AsMemory(read));
            Assert.True(n > 0, "closed before the challenge");
            read += n;
        }

        Assert.Equal(1, challenge[4]);
        byte[] bytes = input switch
        {
            "garbage" => Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            "huge-frame" => [0x7f, 0xff, 0xff, 0xff, 4],
            "auth-with-a-wrong-mac" => [0, 0, 0, 50, 2, .. new byte[48], (byte)'x'],
            _ => [0, 0, 0, 1, 4],
        };
        await socket.SendAsync(bytes);
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await socket.ReceiveAsync(buffer, timeout.Token));

        await using var alice = await XmppTestClient.LoginAsync(node.ClientEndPoint, node.Domain, "alice", "secret", "a");
        await alice.BecomeAvailableAsync();
    }

    private int _nodes;

    private Task<TestServer> StartNodeAsync(string secret, bool tls = true)
    {
        var name = _nodes++ == 0 ? "a" : "b";
        return TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, secret, tls: tls));
    }

    private Task<DirectorySession[]> WaitUntilListedAsync(Func<DirectorySession[], bool> done)
        => EventuallyAsync(() => _observer.Lookup(Bob), done, TimeSpan.FromSeconds(20));

    internal static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}
