using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.TestKit.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Tests.Directory;

/// <summary>
/// An engine outage on a directory of two nodes (an engine of its own, killed with SIGKILL and restarted on its AOF):
/// commands fail fast meanwhile, so what a node wrote then is lost until it re-lists, and the invalidations it missed
/// must not leave the other node serving a stale cache.
/// </summary>
public sealed class SessionDirectoryOutageTests : IAsyncLifetime
{
    private static readonly byte[] Alice = Encoding.UTF8.GetBytes("alice@cluster.lit");
    private static readonly byte[] Bob = Encoding.UTF8.GetBytes("bob@cluster.lit");
    private readonly string _prefix = "outage" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private ConnectionMultiplexer _connectionA = null!;
    private ConnectionMultiplexer _connectionB = null!;
    private SessionDirectory _nodeA = null!;
    private SessionDirectory _nodeB = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        var store = new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] };
        _connectionA = await ConnectionMultiplexer.ConnectAsync(GarnetDataStore.ConnectionOptions(store, "node-a"));
        _connectionB = await ConnectionMultiplexer.ConnectAsync(GarnetDataStore.ConnectionOptions(store, "node-b"));
        _nodeA = await SessionDirectory.StartAsync(_connectionA, Options("a"), NullLogger.Instance);
        _nodeB = await SessionDirectory.StartAsync(_connectionB, Options("b"), NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _connectionA.CloseAsync();
        await _connectionB.CloseAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task After_an_engine_outage_a_node_replays_its_removals_and_relists_while_the_other_drops_its_stale_cache()
    {
        _nodeA.Publish(Alice, "phone"u8, 1, available: true);
        Assert.Single(await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1)); // cached on B
        Assert.Empty(_nodeB.Lookup(Bob)); // cached on B as "nowhere"

        // What the directory module does when the connection is back: list the sessions bound here as they are now.
        var relisted = 0;
        _nodeA.Reconnected += () =>
        {
            _nodeA.Publish(Bob, "laptop"u8, 2, available: true);
            Interlocked.Increment(ref relisted);
        };

        await _garnet.KillAsync();
        await EventuallyAsync(() => _connectionA.IsConnected, connected => !connected);

        // During the outage alice's session ends and bob's is bound on A: neither write reaches the engine, and neither
        // call throws on the caller's thread (an event loop, in the server).
        _nodeA.Remove(Alice, "phone"u8);
        _nodeA.Publish(Bob, "laptop"u8, 2, available: true);

        await _garnet.RestartAsync();

        // Alice's entry survived in the engine's AOF; the replayed removal takes it off, and B, whose cache missed the
        // invalidations, reads again. Bob is listed by the re-listing.
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 0, TimeSpan.FromSeconds(30));
        var bob = Assert.Single(await EventuallyAsync(() => _nodeB.Lookup(Bob), s => s.Length == 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(_nodeA.NodeId, bob.NodeId);
        Assert.Equal(2, bob.Priority);
        Assert.True(Volatile.Read(ref relisted) >= 1);
    }

    private SessionDirectoryOptions Options(string name) => new()
    {
        NodeId = name + "-" + Guid.NewGuid().ToString("N")[..6],
        KeyPrefix = _prefix,
        Heartbeat = TimeSpan.FromSeconds(1),
        Ttl = TimeSpan.FromSeconds(4),
    };

    /// <summary>Polls <paramref name="read"/> (bounded); a read that fails while the engine is away counts as not done.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var last = "none";
        while (true)
        {
            try
            {
                var value = read();
                if (done(value))
                {
                    return value;
                }

                last = value?.ToString() ?? "null";
            }
            catch (RedisException ex)
            {
                last = ex.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; last: {last}");
            }

            await Task.Delay(50);
        }
    }
}
