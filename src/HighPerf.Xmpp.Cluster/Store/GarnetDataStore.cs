using HighPerf.Xmpp.Storage.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// The <see cref="IDataStore"/> of a cluster: every node reads and writes one Garnet (RESP) engine through one
/// multiplexed StackExchange.Redis connection (commands from all threads are pipelined on it; nothing waits for
/// another command's reply before sending).
///
/// Durability: the engine runs with its append-only file and commit-before-reply (Garnet
/// <c>--aof --aof-commit-wait</c>): a write's reply leaves the engine only after the AOF commit that covers it, so a
/// write's task completes only once the write is durable, and after a kill -9 of the engine and a restart with
/// <c>--recover</c> every acknowledged write is there (ClusterStoreCrashTests). Garnet commits once per network batch
/// of a connection, so concurrent writers share commits as the FASTER store's group commit does.
///
/// Records: an account is a string, a roster a hash (contact → <c>RosterItemCodec</c> bytes, the FASTER store's
/// layout) plus a version counter, offline messages a list of <c>{sequence}:{stanza}</c> plus a sequence counter,
/// per-user documents (private XML, vCards, blocking lists, MUC rooms) a hash. Writes that read first are Lua
/// scripts (<see cref="StoreScripts"/>), atomic on the engine whichever node sends them.
///
/// Reads (<c>TryGet</c>, <c>GetAll</c>, …) are synchronous because the interfaces are: one round trip to the engine
/// each, on the caller's thread. They happen at login, on roster and IM changes and for stanzas to offline users,
/// never per stanza routed between online sessions.
/// </summary>
public sealed class GarnetDataStore : IDataStore
{
    private readonly ConnectionMultiplexer _connection;
    private long _writes;

    private GarnetDataStore(ConnectionMultiplexer connection, GarnetStoreOptions options)
    {
        _connection = connection;
        Options = options;
        Keys = new StoreKeys(options.KeyPrefix);
        Database = connection.GetDatabase();
        Accounts = new GarnetAccountStore(this);
        Rosters = new GarnetRosterStore(this);
        Offline = new GarnetOfflineStore(this);
        UserData = new GarnetUserDataStore(this);
    }

    public IAccountStore Accounts { get; }

    public IRosterStore Rosters { get; }

    public IOfflineStore Offline { get; }

    public IUserDataStore UserData { get; }

    /// <summary>Not on Garnet yet: cluster nodes run without the mam module.</summary>
    public IArchiveStore Archive => ClusterUnsupportedArchiveStore.Instance;

    /// <summary>Not on Garnet yet: cluster nodes run without the pep module.</summary>
    public IPepStore Pep => ClusterUnsupportedPepStore.Instance;

    /// <summary>The engine connection, shared with the session directory of the same node.</summary>
    public ConnectionMultiplexer Connection => _connection;

    internal GarnetStoreOptions Options { get; }

    internal StoreKeys Keys { get; }

    internal IDatabase Database { get; }

    /// <summary>Connects to the engine; throws <see cref="RedisConnectionException"/> when it cannot be reached.</summary>
    public static async Task<GarnetDataStore> ConnectAsync(GarnetStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = await ConnectionMultiplexer.ConnectAsync(ConnectionOptions(options, "hpx-store")).ConfigureAwait(false);
        return new GarnetDataStore(connection, options);
    }

    /// <summary>The StackExchange.Redis settings for <paramref name="options"/> (also used by the session directory).</summary>
    public static ConfigurationOptions ConnectionOptions(GarnetStoreOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = new ConfigurationOptions
        {
            ClientName = clientName,
            Password = options.Password,
            ConnectTimeout = (int)options.Timeout.TotalMilliseconds,
            SyncTimeout = (int)options.Timeout.TotalMilliseconds,
            AsyncTimeout = (int)options.Timeout.TotalMilliseconds,
            // A node keeps trying while the engine restarts; writes in the meantime fail rather than wait unbounded.
            AbortOnConnectFail = true,
            // With the engine unreachable a command fails at once instead of queueing for the timeout: reads are
            // synchronous on event loops (a logout's account read, a roster load), and an outage must cost each one
            // an error, not a loop stalled for the timeout per command.
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectRetry = 3,
            KeepAlive = 5,
        };
        foreach (var endpoint in options.Endpoints)
        {
            configuration.EndPoints.Add(endpoint);
        }

        return configuration;
    }

    /// <summary>Completes once every write this node sent before the call is durable: replies come back in order on
    /// the connection, and each write's reply waited for its commit.</summary>
    /// <remarks>Fails at once when the engine is unreachable: the writes not yet answered fail to their own callers,
    /// and a stop need not wait for the client's timeout to learn so.</remarks>
    public async ValueTask CommitAsync()
    {
        if (!_connection.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "The engine is unreachable: writes not yet answered are not durable.", null, CommandStatus.Unknown);
        }

        await Database.PingAsync().ConfigureAwait(false);
    }

    /// <summary>Writes acknowledged by the engine (each one after its AOF commit); the engine does not report commit times.</summary>
    public StoreCommitStatistics CommitStatistics => new(Interlocked.Read(ref _writes), 0);

    internal void CountWrite() => Interlocked.Increment(ref _writes);

    internal void ValidateValue(int length, string name)
    {
        if (length > Options.MaxValueBytes)
        {
            throw new ArgumentException($"Is {length} bytes; the store's limit is {Options.MaxValueBytes}.", name);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.CloseAsync().ConfigureAwait(false);
}
