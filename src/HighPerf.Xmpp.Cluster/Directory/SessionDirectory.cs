using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Collections;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Directory;

/// <summary>
/// The cluster's session directory on the shared engine: for each bare JID a hash resource → <c>node|priority|a</c>
/// (available) or <c>node|priority|-</c>, written by the node the session is bound on; a heartbeat key per node whose
/// expiry marks the node dead, so that a node killed with its sessions bound stops being listed within
/// <see cref="SessionDirectoryOptions.Ttl"/> without anyone cleaning up after it (dead entries are skipped, and deleted
/// when a lookup meets them).
///
/// Each node caches the users it looked up (including "no session anywhere"), and drops a cached user when the
/// engine's pub/sub says it changed: every write publishes the bare JID on one channel after changing the hash, so a
/// steady-state lookup is a dictionary hit, never a round trip. A lookup that misses reads the hash synchronously;
/// an invalidation that arrives while that read is on its way prevents its result from being cached.
/// Writes are fire-and-forget (pipelined, never awaited): the directory is soft state rebuilt by heartbeats and
/// logins, not data that needs the store's durability.
///
/// While the engine is unreachable commands fail at once (the connection's BacklogPolicy.FailFast), so what this node
/// wrote then is lost, and so are the invalidations the others published. When the connection comes back the node
/// drops its cache, renews its heartbeat, replays the removals of sessions that ended meanwhile (bounded) and raises
/// <see cref="Reconnected"/>, on which the directory module lists every session bound here again.
/// </summary>
public sealed class SessionDirectory : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly SessionDirectoryOptions _options;
    private readonly ILogger _logger;
    private readonly byte[] _prefix;
    private readonly RedisChannel _channel;
    private readonly RedisKey _nodesKey;
    private readonly ConcurrentDictionary<byte[], DirectorySession[]> _cache = new(new Utf8KeyComparer());
    private readonly ConcurrentDictionary<byte[], DirectorySession[]>.AlternateLookup<ReadOnlySpan<byte>> _cached;
    private readonly ConcurrentDictionary<string, bool> _liveNodes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _heartbeat = Task.CompletedTask;
    private readonly ConcurrentQueue<(byte[] BareJid, byte[] Resource)> _unsentRemoves = new();
    private long _invalidations;
    private string _address;

    /// <summary>Removals kept for replay while the engine is unreachable; beyond this a node relies on the entries'
    /// owners being found dead or the full JIDs being bound again.</summary>
    private const int MaxUnsentRemoves = 65_536;

    private SessionDirectory(ConnectionMultiplexer connection, SessionDirectoryOptions options, ILogger logger)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _options = options;
        _logger = logger;
        _prefix = Encoding.UTF8.GetBytes(options.KeyPrefix);
        _channel = RedisChannel.Literal(options.KeyPrefix + "directory");
        _nodesKey = options.KeyPrefix + "nodes";
        _cached = _cache.GetAlternateLookup<ReadOnlySpan<byte>>();
        _address = options.Address;
    }

    public string NodeId => _options.NodeId;

    /// <summary>
    /// Raised once per other node this one saw stop (its heartbeat expired, or it left cleanly), on the heartbeat's or
    /// the subscription's thread: its sessions are no longer listed.
    /// </summary>
    public event Action<string>? NodeDead;

    /// <summary>
    /// Raised once the engine connection is back after a loss (on a thread of the client's), after the cache was dropped
    /// and the heartbeat renewed: the sessions this node listed may be missing, and are to be listed again.
    /// </summary>
    public event Action? Reconnected;

    internal IDatabase Database => _database;

    internal string KeyPrefix => _options.KeyPrefix;

    /// <summary>Joins the directory: subscribes to invalidations, writes the first heartbeat and learns the live nodes.</summary>
    public static async Task<SessionDirectory> StartAsync(ConnectionMultiplexer connection, SessionDirectoryOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NodeId.Contains('|', StringComparison.Ordinal) || options.NodeId.Length == 0)
        {
            throw new ArgumentException("A node id is non-empty and holds no '|'.", nameof(options));
        }

        var directory = new SessionDirectory(connection, options, logger);
        await connection.GetSubscriber().SubscribeAsync(directory._channel, (_, message) => directory.Invalidate(message)).ConfigureAwait(false);
        await directory.BeatAsync().ConfigureAwait(false);
        directory._heartbeat = directory.HeartbeatLoopAsync();
        connection.ConnectionRestored += directory.OnConnectionRestored;
        return directory;
    }

    /// <summary>Publishes where the other nodes reach this one (its node-link listener, host:port), at once and with every heartbeat.</summary>
    public async Task AdvertiseAsync(string address)
    {
        Volatile.Write(ref _address, address);
        await BeatAsync().ConfigureAwait(false);
    }

    /// <summary>The node-link address node <paramref name="nodeId"/> published; null when it published none (or is gone).</summary>
    public async Task<string?> AddressOfAsync(string nodeId)
    {
        var address = (string?)await _database.HashGetAsync(_nodesKey, nodeId).ConfigureAwait(false);
        return string.IsNullOrEmpty(address) ? null : address;
    }

    /// <summary>Lists (or updates) a session bound here. Thread-safe, never blocks.</summary>
    public void Publish(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, int priority, bool available)
    {
        var value = string.Create(CultureInfo.InvariantCulture, $"{_options.NodeId}|{priority}|{(available ? 'a' : '-')}");
        var key = SessionsKey(bareJid);
        _database.HashSet(key, resource.ToArray(), value, flags: CommandFlags.FireAndForget);
        _database.Publish(_channel, bareJid.ToArray(), CommandFlags.FireAndForget);
    }

    /// <summary>Takes a session bound here off the list (not one another node listed since under the same full JID).</summary>
    public void Remove(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
    {
        if (!_connection.IsConnected)
        {
            if (_unsentRemoves.Count < MaxUnsentRemoves)
            {
                _unsentRemoves.Enqueue((bareJid.ToArray(), resource.ToArray()));
            }

            return;
        }

        SendRemove(bareJid.ToArray(), resource.ToArray());
    }

    private void SendRemove(byte[] bareJid, byte[] resource)
    {
        _database.ScriptEvaluate(DirectoryScripts.RemoveOwn, [SessionsKey(bareJid)], [resource, _options.NodeId], CommandFlags.FireAndForget);
        _database.Publish(_channel, bareJid, CommandFlags.FireAndForget);
    }

    /// <summary>The user's sessions on live nodes (this one included); empty when none. Cached until invalidated.</summary>
    /// <param name="cache">False for a one-off read (a bind's conflict check) that should not fill the cache.</param>
    public DirectorySession[] Lookup(ReadOnlySpan<byte> bareJid, bool cache = true)
    {
        if (_cached.TryGetValue(bareJid, out var sessions))
        {
            return sessions;
        }

        var before = Interlocked.Read(ref _invalidations);
        var key = SessionsKey(bareJid);
        sessions = LiveSessions(key, _database.HashGetAll(key));
        if (cache && Interlocked.Read(ref _invalidations) == before)
        {
            _cache[bareJid.ToArray()] = sessions;
        }

        return sessions;
    }

    /// <summary>
    /// Caches the entries of those of <paramref name="bareJids"/> not cached yet, read in one pipelined batch: a login's
    /// probes then pay one engine round trip for all its uncached contacts instead of one each. A failed read leaves
    /// the user uncached (its <see cref="Lookup"/> asks again and reports the failure).
    /// </summary>
    public void Warm(ReadOnlySpan<byte[]> bareJids)
    {
        IBatch? batch = null;
        List<(byte[] BareJid, RedisKey Key, Task<HashEntry[]> Read)>? reads = null;
        var before = Interlocked.Read(ref _invalidations);
        foreach (var bareJid in bareJids)
        {
            if (_cached.ContainsKey(bareJid))
            {
                continue;
            }

            batch ??= _database.CreateBatch();
            reads ??= [];
            var key = SessionsKey(bareJid);
            reads.Add((bareJid, key, batch.HashGetAllAsync(key)));
        }

        if (batch is null || reads is null)
        {
            return;
        }

        batch.Execute();
        foreach (var (bareJid, key, read) in reads)
        {
            try
            {
                var sessions = LiveSessions(key, read.GetAwaiter().GetResult());
                if (Interlocked.Read(ref _invalidations) == before)
                {
                    _cache[bareJid.AsSpan().ToArray()] = sessions;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                ClusterLog.DirectoryFailed(_logger, "warm-up read", ex);
            }
        }
    }

    private DirectorySession[] LiveSessions(RedisKey key, HashEntry[] entries)
    {
        var live = new List<DirectorySession>(entries.Length);
        foreach (var entry in entries)
        {
            if (!TryParse(entry, out var session))
            {
                continue;
            }

            if (IsLive(session.NodeId))
            {
                live.Add(session);
            }
            else
            {
                // Left by a dead node: nobody else cleans it up (only if it is still that node's: a new login may have
                // taken the full JID since).
                _database.ScriptEvaluate(DirectoryScripts.RemoveOwn, [key], [entry.Name, session.NodeId], CommandFlags.FireAndForget);
            }
        }

        return [.. live];
    }

    /// <summary>True while the node's heartbeat key lives (as of the last heartbeat round; an id not seen then is asked).</summary>
    public bool IsLive(string nodeId)
    {
        if (_liveNodes.TryGetValue(nodeId, out var live))
        {
            return live;
        }

        live = _database.KeyExists(NodeKey(nodeId));
        _liveNodes[nodeId] = live;
        return live;
    }

    /// <summary>Stops the heartbeat and takes this node out of the directory (a clean stop: the others need not wait for the TTL).</summary>
    public async ValueTask DisposeAsync()
    {
        _connection.ConnectionRestored -= OnConnectionRestored;
        await StopHeartbeatAsync().ConfigureAwait(false);
        try
        {
            // With the engine unreachable the leave would only fail; the node's key then expires by its TTL, as
            // after a crash.
            if (_connection.IsConnected)
            {
                await LeaveAsync().ConfigureAwait(false);
            }
        }
        catch (RedisException ex)
        {
            ClusterLog.DirectoryFailed(_logger, "leave", ex);
        }

        _stop.Dispose();
    }

    private async Task LeaveAsync()
    {
        await _database.KeyDeleteAsync(NodeKey(_options.NodeId)).ConfigureAwait(false);
        await _database.HashDeleteAsync(_nodesKey, _options.NodeId).ConfigureAwait(false);
        await _connection.GetSubscriber().PublishAsync(_channel, "node:" + _options.NodeId).ConfigureAwait(false);
        await _connection.GetSubscriber().UnsubscribeAsync(_channel).ConfigureAwait(false);
    }

    /// <summary>Stops the heartbeat only, as a crash does (tests: the others must notice within the TTL).</summary>
    internal async Task StopHeartbeatAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _heartbeat.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.Heartbeat);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await BeatAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                ClusterLog.DirectoryFailed(_logger, "heartbeat", ex);
            }
        }
    }

    /// <summary>Renews this node's key, then checks every known node's: a node found dead is forgotten, and cached users
    /// with sessions on it are dropped so that their next lookup no longer lists them.</summary>
    private async Task BeatAsync()
    {
        var lifetime = _options.Ttl - _options.Heartbeat;
        var address = Volatile.Read(ref _address);
        await _database.StringSetAsync(NodeKey(_options.NodeId), address, lifetime).ConfigureAwait(false);
        await _database.HashSetAsync(_nodesKey, _options.NodeId, address).ConfigureAwait(false);
        // The listed nodes, and those this node still takes for live: another node may have taken a dead one off the
        // list before this one looked, and its sessions must still stop being listed here.
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listed in await _database.HashKeysAsync(_nodesKey).ConfigureAwait(false))
        {
            nodes.Add((string)listed!);
        }

        foreach (var (known, live) in _liveNodes)
        {
            if (live)
            {
                nodes.Add(known);
            }
        }

        var ids = nodes.ToArray();
        var checks = new Task<bool>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            checks[i] = _database.KeyExistsAsync(NodeKey(ids[i]));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            var live = await checks[i].ConfigureAwait(false);
            var wasLive = !_liveNodes.TryGetValue(id, out var known) || known;
            _liveNodes[id] = live;
            if (!live)
            {
                _database.HashDelete(_nodesKey, id, CommandFlags.FireAndForget);
                if (wasLive)
                {
                    ClusterLog.NodeDead(_logger, id);
                    ForgetNode(id);
                    RaiseNodeDead(id);
                }
            }
        }
    }

    // Each handler runs on its own so that one that throws (presence, rooms) does not keep the others from their
    // clean-up; a node's death is rare, so walking the invocation list costs nothing that matters.
    private void RaiseNodeDead(string nodeId)
    {
        if (NodeDead is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<string>)handler)(nodeId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ClusterLog.DirectoryFailed(_logger, "node-dead handler", ex);
            }
        }
    }

    private void ForgetNode(string nodeId)
    {
        Interlocked.Increment(ref _invalidations);
        foreach (var (user, sessions) in _cache)
        {
            if (Array.Exists(sessions, s => s.NodeId == nodeId))
            {
                _cache.TryRemove(user, out _);
            }
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Invalidations published while either connection was down never arrived: nothing cached can be trusted.
        Interlocked.Increment(ref _invalidations);
        _cache.Clear();
        if (e.ConnectionType != ConnectionType.Interactive || _stop.IsCancellationRequested)
        {
            return;
        }

        _ = RelistAsync();
    }

    private async Task RelistAsync()
    {
        try
        {
            // The heartbeat first: after an outage longer than the TTL the others took this node for dead, and entries
            // listed before it is live again would be cleaned up as a dead node's.
            await BeatAsync().ConfigureAwait(false);
            var removes = 0;
            while (_unsentRemoves.TryDequeue(out var remove))
            {
                SendRemove(remove.BareJid, remove.Resource);
                removes++;
            }

            Reconnected?.Invoke();
            ClusterLog.DirectoryRestored(_logger, removes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ClusterLog.DirectoryFailed(_logger, "re-listing after reconnect", ex);
        }
    }

    private void Invalidate(RedisValue message)
    {
        Interlocked.Increment(ref _invalidations);
        var bytes = (byte[]?)message;
        if (bytes is null)
        {
            return;
        }

        if (bytes.AsSpan().StartsWith("node:"u8))
        {
            var id = Encoding.UTF8.GetString(bytes.AsSpan(5));
            var wasLive = !_liveNodes.TryGetValue(id, out var known) || known;
            _liveNodes[id] = false;
            ForgetNode(id);
            if (wasLive && id != _options.NodeId)
            {
                RaiseNodeDead(id);
            }

            return;
        }

        _cached.TryRemove(bytes, out _);
    }

    private static bool TryParse(HashEntry entry, out DirectorySession session)
    {
        session = default;
        var text = (string?)entry.Value;
        var parts = text?.Split('|');
        if (parts is not { Length: 3 } || !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority))
        {
            return false;
        }

        session = new DirectorySession((byte[])entry.Name!, parts[0], priority, parts[2] == "a");
        return true;
    }

    internal RedisKey SessionsKey(ReadOnlySpan<byte> bareJid)
    {
        var key = new byte[_prefix.Length + bareJid.Length + 11];
        _prefix.CopyTo(key, 0);
        key[_prefix.Length] = (byte)'{';
        bareJid.CopyTo(key.AsSpan(_prefix.Length + 1));
        "}:sessions"u8.CopyTo(key.AsSpan(_prefix.Length + 1 + bareJid.Length));
        return key;
    }

    private RedisKey NodeKey(string nodeId) => _options.KeyPrefix + "node:" + nodeId;
}
