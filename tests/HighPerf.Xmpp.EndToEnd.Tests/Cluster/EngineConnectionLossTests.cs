using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// One node loses its connection to the engine while the others keep theirs (node A reaches Garnet through a proxy
/// the test cuts): what the others announced meanwhile never reaches it, and it catches up when its connection is back.
/// </summary>
public sealed class EngineConnectionLossTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tests";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = "lo" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private RecordingTcpProxy _proxy = null!;
    private TestServer _nodeA = null!;
    private TestServer _nodeB = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _proxy = new RecordingTcpProxy { Target = System.Net.IPEndPoint.Parse(_garnet.EndPoint) };
        _nodeA = await StartNodeAsync("a", _proxy.EndPoint.ToString());
        _nodeB = await StartNodeAsync("b", _garnet.EndPoint);
        await _nodeB.AddUserAsync("alice");
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _proxy.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task A_roster_change_announced_while_a_node_was_cut_off_reaches_its_sessions_once_it_reconnects()
    {
        await using var aliceA = await ImSteps.OnlineAsync(_nodeA, "alice", "a");
        await using var aliceB = await ImSteps.OnlineAsync(_nodeB, "alice", "b");

        // Node A's engine connections drop; alice adds carol on node B, which writes it and announces it to nobody
        // listening on A.
        _proxy.Cut();
        Assert.Equal("result", (string?)(await aliceB.SetRosterAsync("<item jid='carol@localhost' name='Carol'/>")).Attribute("type"));
        Assert.Equal("Carol", (string?)(await aliceB.ExpectPushAsync("carol@localhost")).Attribute("name"));
        await Task.Delay(500);
        _proxy.Target = System.Net.IPEndPoint.Parse(_garnet.EndPoint);

        // Reconnected, node A compares alice's roster with the stored one and pushes what it missed.
        var push = await aliceA.ExpectAsync(e => ImSteps.IsRosterPush(e, "carol@localhost"), Patience);
        Assert.Equal("Carol", push.Element(ImSteps.Roster + "query")?.Element(ImSteps.Roster + "item")?.Attribute("name")?.Value);

        // And its copy is the stored one: a rename on A is a compare-and-set on the item B wrote, not a conflict loop.
        Assert.Equal("result", (string?)(await aliceA.SetRosterAsync("<item jid='carol@localhost' name='Carol C'/>")).Attribute("type"));
        Assert.Equal("Carol C", (string?)(await aliceB.ExpectPushAsync("carol@localhost")).Attribute("name"));
    }

    // A TTL longer than the cut: the node is cut off, not dead.
    private Task<TestServer> StartNodeAsync(string name, string engine)
        => TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, engine, _prefix, name, Secret, sessionTtlSeconds: 10));
}
