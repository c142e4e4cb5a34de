using System.Runtime.CompilerServices;
using FASTER.core;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// The FASTER-backed <see cref="IDataStore"/>.
///
/// Durability: a FasterLog write-ahead log beside a FasterKV. A write takes its user's lock, reads what it
/// needs, appends ONE log entry holding all its key-value changes (whole new values or deletes), applies
/// them to the KV, releases the lock and completes once a group commit of the log covers its entry
/// (<see cref="GroupCommitter"/>). The KV itself is checkpointed rarely (fold-over, every
/// <see cref="StoreOptions.CheckpointLogBytes"/> of log or <see cref="StoreOptions.CheckpointInterval"/>), after
/// which the log is truncated. Recovery = recover the KV checkpoint named in the <see cref="StoreManifest"/>,
/// then replay the committed log from the checkpoint's cut. FasterLog drops a torn tail by itself
/// (commit records and per-entry checksums); a half-written KV checkpoint is never named by the manifest,
/// which is replaced atomically only after the checkpoint and the log through it are durable.
///
/// Why not commit by hybrid-log checkpoints every few milliseconds: measured on this project's 2-core VM
/// (200-byte writes, commit as soon as writes are pending), a FasterLog commit takes 0.31 ms against
/// 1.46 ms for a fold-over checkpoint; 64 concurrent writers reach 116,000 durable writes/s on the log
/// against 26,000 with checkpoints, and the checkpoints made the KV log grow by 31 MB in 5 s (every update
/// after a fold-over is a copy). Checkpoints also cut between the records of one logical write (CPR is
/// per operation), so a crash could keep half of a roster change; a log entry is replayed whole or not at all.
///
/// Reads see applied writes before their commit completes (the commit only delays the acknowledgement);
/// after a crash, writes that were never acknowledged may or may not be present, each whole.
/// </summary>
internal sealed partial class FasterStore : IDataStore
{
    private readonly string _directory;
    private readonly StoreOptions _options;
    private readonly StoreLock _lock;
    private readonly StoreFiles _files;
    private readonly SessionPool _sessions;
    private readonly UserLocks _locks = new();
    private readonly GroupCommitter _committer;
    private readonly GroupCommitter _archiveCommitter;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private Task _checkpointLoop = Task.CompletedTask;
    private StoreManifest _manifest;
    private long _lastCheckpointTicks;
    private int _disposed;

    private FasterStore(StoreOptions options, StoreLock storeLock, StoreFiles files, StoreManifest manifest)
    {
        _directory = options.Directory;
        _options = options;
        _lock = storeLock;
        _files = files;
        _manifest = manifest;
        _sessions = new SessionPool(files.Kv, files.MaxEntryBytes);
        _committer = new GroupCommitter(files.Wal, options.CommitInterval, options.CommitBatchSize);
        _archiveCommitter = new GroupCommitter(files.Archive, options.CommitInterval, options.CommitBatchSize);
        ArchiveStore = new ArchiveStore(this, files.Archive, _archiveCommitter);
        Accounts = new AccountStore(this);
        Rosters = new RosterStore(this);
        Offline = new OfflineStore(this);
        UserData = new UserDataStore(this);
        Pep = new PepStore(this);
    }

    public IAccountStore Accounts { get; }

    public IRosterStore Rosters { get; }

    public IOfflineStore Offline { get; }

    public IUserDataStore UserData { get; }

    public IPepStore Pep { get; }

    public IArchiveStore Archive => ArchiveStore;

    internal ArchiveStore ArchiveStore { get; }

    internal int MaxEntryBytes => _files.MaxEntryBytes;

    internal StoreOptions Options => _options;

    internal StoreManifest Manifest => _manifest;

    internal FasterKV<SpanByte, SpanByte> Kv => _files.Kv;

    internal FasterLog Wal => _files.Wal;

    public StoreCommitStatistics CommitStatistics => _committer.Statistics;

    public async ValueTask CommitAsync()
    {
        ThrowIfDisposed();
        await _committer.CommitNowAsync();
        await _archiveCommitter.CommitNowAsync();
    }

    internal StoreSession RentSession() => _sessions.Rent();

    internal void ReturnSession(StoreSession session) => _sessions.Return(session);

    internal Lock LockFor(ReadOnlySpan<byte> user) => _locks.For(user);

    /// <summary>
    /// Logs the session's batch as one entry, then applies it to the KV; call with the user's lock held.
    /// Returns the address whose commit makes the write durable (0 when the batch was empty).
    /// </summary>
    internal long Commit(StoreSession session)
    {
        var batch = session.Batch;
        if (batch.Count == 0)
            return 0;
        var entry = batch.Seal();
        var address = _files.Wal.Enqueue(entry);
        WalEntry.Apply(entry, session);
        batch.Reset();
        _committer.Register();
        return address + 1;
    }

    internal ValueTask WhenDurable(long address) => address == 0 ? default : _committer.WaitDurableAsync(address);

    internal ValueTask<T> WhenDurable<T>(T result, long address) =>
        address == 0 || _committer.IsDurable(address) ? new ValueTask<T>(result) : WhenDurableSlowAsync(result, address);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> WhenDurableSlowAsync<T>(T result, long address)
    {
        await _committer.WaitDurableAsync(address);
        return result;
    }

    internal void ValidateValue(int length, string name)
    {
        if (length > _options.MaxValueBytes)
            Throw.ValueTooLarge(name, length, _options.MaxValueBytes);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
            Throw.Disposed();
    }
}
