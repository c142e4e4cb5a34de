using System.Globalization;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Operations;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// The node-link counters on the Prometheus endpoint: a stanza forwarded to a session on another node counts as
/// sent on the sender's node and as received there, with its frame's bytes (header, address, stanza); a stanza
/// between two sessions of one node crosses no link and counts on neither.
/// </summary>
public sealed class NodeLinkMetricsTests : IAsyncLifetime
{
    private const string Stanzas = "xmpp_cluster_link_stanzas_total";
    private const string Bytes = "xmpp_cluster_link_data_bytes_total";
    private const string Sent = "direction=\"sent\"";
    private const string Received = "direction=\"received\"";
    private readonly string _prefix = "lm" + Guid.NewGuid().ToString("N")[..8] + ":";
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
    public async Task Stanzas_forwarded_over_a_node_link_count_as_sent_and_received_with_their_frame_bytes()
    {
        await using var nodeA = await StartNodeAsync("a");
        await using var nodeB = await StartNodeAsync("b");
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        await nodeA.AddUserAsync("carol");
        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        await using var carol = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "carol", "secret", "c");
        await using var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b");

        // Local first: carol is on alice's node, so nothing crosses a link.
        await alice.SendAsync("<message to='carol@localhost/c' type='chat' id='local'><body>same node</body></message>");
        await carol.ExpectAsync(e => (string?)e.Attribute("id") == "local");
        var local = await MetricsScrape.ScrapeAsync(nodeA);
        Assert.Equal(0, MetricsScrape.Value(local, Stanzas, Sent));

        // bob is reachable from node A once his node has written his directory entry.
        await CrossNodeRoutingTests.EventuallyAsync(() => _observer.Lookup("bob@localhost"u8.ToArray()), s => s.Length == 1, TimeSpan.FromSeconds(20));
        const string stanza = "<message to='bob@localhost/b' type='chat' id='x{0}'><body>across the link</body></message>";
        for (var i = 0; i < 3; i++)
        {
            await alice.SendAsync(string.Format(CultureInfo.InvariantCulture, stanza, i));
            await bob.ExpectAsync(e => (string?)e.Attribute("id") == "x" + i);
        }

        var sender = await MetricsScrape.ScrapeUntilAsync(nodeA, Stanzas, Sent, 3, TimeSpan.FromSeconds(30));
        var receiver = await MetricsScrape.ScrapeUntilAsync(nodeB, Stanzas, Received, 3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, MetricsScrape.Value(sender, Stanzas, Sent));
        Assert.Equal(3, MetricsScrape.Value(receiver, Stanzas, Received));
        Assert.Equal(0, MetricsScrape.Value(receiver, Stanzas, Sent));

        // Each frame carries at least the stanza and its stamped 'from'; both sides count the same frames.
        var minimum = 3 * (stanza.Length + " from='alice@localhost/a'".Length);
        Assert.True(MetricsScrape.Value(sender, Bytes, Sent) >= minimum, sender);
        Assert.Equal(MetricsScrape.Value(sender, Bytes, Sent), MetricsScrape.Value(receiver, Bytes, Received));
    }

    private Task<TestServer> StartNodeAsync(string name) => TestServer.StartAsync(config =>
    {
        MetricsScrape.Enable(config);
        ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, "cluster-secret-for-tests");
    });
}
