using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Cluster.Tests.Store;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Tests.Directory;

/// <summary>Two directories (two nodes) on one real Garnet engine: what one lists the other finds, a change reaches the
/// other's cache through pub/sub, and a node whose heartbeat stops vanishes within the TTL.</summary>
public sealed class SessionDirectoryTests : IAsyncLifetime
{
    private static readonly byte[] Alice = Encoding.UTF8.GetBytes("alice@cluster.lit");
    private readonly string _prefix = SharedGarnet.NewPrefix();
    private ConnectionMultiplexer _connectionA = null!;
    private ConnectionMultiplexer _connectionB = null!;
    private SessionDirectory _nodeA = null!;
    private SessionDirectory _nodeB = null!;

    public async Task InitializeAsync()
    {
        var garnet = await SharedGarnet.GetAsync();
        var store = new GarnetStoreOptions { Endpoints = [garnet.EndPoint] };
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
    }

    [Fact]
    public async Task A_session_listed_by_one_node_is_found_by_another_with_its_priority_and_availability()
    {
        _nodeA.Publish(Alice, "phone"u8, 5, available: true);

        var session = Assert.Single(await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1));
        Assert.Equal("phone", Encoding.UTF8.GetString(session.Resource));
        Assert.Equal(_nodeA.NodeId, session.NodeId);
        Assert.Equal(5, session.Priority);
        Assert.True(session.Available);
    }

    [Fact]
    public async Task Warm_caches_the_uncached_users_so_that_their_lookups_no_longer_read_the_engine()
    {
        var bob = Encoding.UTF8.GetBytes("bob@cluster.lit");
        var carol = Encoding.UTF8.GetBytes("carol@cluster.lit");
        var dave = Encoding.UTF8.GetBytes("dave@cluster.lit");
        var marker = Encoding.UTF8.GetBytes("marker@cluster.lit");
        Assert.Empty(_nodeB.Lookup(marker)); // cached as "nowhere" until node A's announcement for it arrives
        _nodeA.Publish(bob, "b"u8, 1, available: true);
        _nodeA.Publish(carol, "c"u8, 2, available: true);
        _nodeA.Publish(marker, "m"u8, 0, available: true);

        // Announcements arrive in order: once the marker's is in, bob's and carol's can no longer clear what Warm caches.
        await EventuallyAsync(() => _nodeB.Lookup(marker), s => s.Length == 1);
        _nodeB.Warm([bob, carol, dave]);

        // Taken out of the engine behind the directories' backs (no announcement): only a cached entry still answers.
        await _nodeB.Database.KeyDeleteAsync([_nodeB.SessionsKey(bob), _nodeB.SessionsKey(carol)]);
        Assert.False(await _nodeB.Database.KeyExistsAsync(_nodeB.SessionsKey(bob)));
        Assert.Equal("b", Encoding.UTF8.GetString(Assert.Single(_nodeB.Lookup(bob)).Resource));
        Assert.Equal(2, Assert.Single(_nodeB.Lookup(carol)).Priority);
        Assert.Empty(_nodeB.Lookup(dave));
    }

    [Fact]
    public async Task A_change_reaches_a_node_that_cached_the_user_and_a_removal_empties_it()
    {
        Assert.Empty(_nodeB.Lookup(Alice)); // cached as "nowhere"
        _nodeA.Publish(Alice, "desk"u8, 0, available: false);
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1 && !s[0].Available);

        _nodeA.Publish(Alice, "desk"u8, -1, available: true);
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1 && s[0].Available && s[0].Priority == -1);

        _nodeA.Remove(Alice, "desk"u8);
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 0);
    }

    [Fact]
    public async Task A_node_removing_its_session_keeps_the_newer_entry_another_node_wrote_for_the_same_full_JID()
    {
        _nodeA.Publish(Alice, "laptop"u8, 0, available: true);
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1 && s[0].NodeId == _nodeA.NodeId);
        _nodeB.Publish(Alice, "laptop"u8, 0, available: true); // the same resource logged in again on node B
        await EventuallyAsync(() => _nodeA.Lookup(Alice), s => s.Length == 1 && s[0].NodeId == _nodeB.NodeId);

        _nodeA.Remove(Alice, "laptop"u8); // node A closes its old session afterwards

        await Task.Delay(300);
        var session = Assert.Single(await EventuallyAsync(() => _nodeA.Lookup(Alice), s => s.Length == 1));
        Assert.Equal(_nodeB.NodeId, session.NodeId);
    }

    [Fact]
    public async Task The_sessions_of_a_node_whose_heartbeat_stops_disappear_within_the_ttl()
    {
        _nodeA.Publish(Alice, "phone"u8, 1, available: true);
        _nodeB.Publish(Alice, "tablet"u8, 2, available: true);
        await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 2);

        var stopped = DateTime.UtcNow;
        await _nodeA.StopHeartbeatAsync(); // as a kill -9 of node A: nothing is cleaned up

        var left = await EventuallyAsync(() => _nodeB.Lookup(Alice), s => s.Length == 1, TimeSpan.FromSeconds(30));
        var took = DateTime.UtcNow - stopped;
        Assert.Equal("tablet", Encoding.UTF8.GetString(left[0].Resource));
        Assert.False(_nodeB.IsLive(_nodeA.NodeId));

        // TTL-bound, not a performance figure: twice the TTL leaves a loaded machine's timers room, and still fails a
        // directory that waits for anything but the dead node's heartbeat key to expire.
        Assert.True(took < (2 * Options("x").Ttl) + TimeSpan.FromSeconds(2), $"took {took}");
    }

    private SessionDirectoryOptions Options(string name) => new()
    {
        NodeId = name + "-" + Guid.NewGuid().ToString("N")[..6],
        KeyPrefix = _prefix,
        Heartbeat = TimeSpan.FromSeconds(1),
        Ttl = TimeSpan.FromSeconds(4),
    };

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
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
