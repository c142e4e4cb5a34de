using HighPerf.Xmpp.Storage.Abstractions;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using FASTER.core;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Group commit over the write-ahead log. Writers append their entry, <see cref="Register"/>, and await
/// <see cref="WaitDurableAsync"/> with the entry's address; one dedicated thread commits the log (one
/// flush plus a commit record) when writes are pending: as soon as <see cref="CommitBatchSize"/> are
/// pending, else once the first pending write has waited the commit interval. Every writer whose entry lies
/// below the tail captured before a commit is durable when that commit completes, so concurrent writes
/// share one commit. Waiters share one task per commit generation: no per-write task or closure is
/// allocated, and the async continuation is pooled. Callers that must not await (a session holding stanzas
/// until its archive append is durable) register an <see cref="IDurabilityListener"/> instead, told from the
/// commit thread; the registrations live in a growing array, so registering allocates nothing once warm.
/// </summary>
internal sealed class GroupCommitter : IDisposable
{
    private readonly FasterLog _log;
    private readonly long _intervalTicks;
    private readonly int _batchSize;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly ManualResetEventSlim _committed = new(false);
    private readonly Action _onCommitted;

    // Created by the first async waiter of a commit generation and completed by the commit that ends it; while only
    // listeners wait (the archive's held stanzas) no commit allocates one.
    private TaskCompletionSource? _generation;
    private long _pending;
    private long _durableAddress;
    private int _urgent;
    private volatile bool _stopping;
    private volatile Exception? _failure;
    private long _commits;
    private long _commitTicks;
    private readonly Lock _listenerGate = new();
    private (long Address, IDurabilityListener Listener)[] _listeners = new (long, IDurabilityListener)[16];
    private int _listenerCount;
    private (long Address, IDurabilityListener Listener)[] _due = new (long, IDurabilityListener)[16];

    public GroupCommitter(FasterLog log, TimeSpan interval, int batchSize)
    {
        _log = log;
        _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _batchSize = Math.Max(1, batchSize);
        _durableAddress = log.CommittedUntilAddress;
        _onCommitted = _committed.Set;
        _thread = new Thread(Run) { IsBackground = true, Name = "FASTER group commit" };
        _thread.Start();
    }

    public int CommitBatchSize => _batchSize;

    /// <summary>Everything in the log below this address is durable.</summary>
    public long DurableAddress => Volatile.Read(ref _durableAddress);

    /// <summary>Commits completed and their summed duration (flush and commit record, not the batching window).</summary>
    public StoreCommitStatistics Statistics
        => new(Volatile.Read(ref _commits), Volatile.Read(ref _commitTicks) / (double)Stopwatch.Frequency);

    public bool IsDurable(long address) => Volatile.Read(ref _durableAddress) >= address;

    /// <summary>Called after appending an entry: asks for a commit that covers it.</summary>
    public void Register()
    {
        var pending = Interlocked.Increment(ref _pending);
        if (pending == 1 || pending == _batchSize)
            _signal.Set();
    }

    /// <summary>
    /// Calls <paramref name="listener"/> once <paramref name="address"/> is durable, from the commit thread; false
    /// (and no call) when it is durable already.
    /// </summary>
    public bool NotifyWhenDurable(long address, IDurabilityListener listener)
    {
        if (IsDurable(address))
            return false;
        lock (_listenerGate)
        {
            // Re-checked under the gate: a commit publishes its address before it takes the gate to notify.
            if (IsDurable(address))
                return false;
            if (_listenerCount == _listeners.Length)
                Array.Resize(ref _listeners, _listeners.Length * 2);
            _listeners[_listenerCount++] = (address, listener);
        }

        return true;
    }

    /// <summary>Commits now (no batching window) and completes once everything appended before the call is durable.</summary>
    public ValueTask CommitNowAsync()
    {
        var until = _log.TailAddress;
        if (IsDurable(until))
            return default;
        Interlocked.Increment(ref _pending);
        Volatile.Write(ref _urgent, 1);
        _signal.Set();
        return WaitDurableAsync(until);
    }

    /// <summary>
    /// Runs two commits even when nothing was appended, so that a truncation made before the call is persisted
    /// (the first may have been under way already when the truncation happened).
    /// </summary>
    public async Task ForceCommitAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var generation = Generation();
            Interlocked.Increment(ref _pending);
            Volatile.Write(ref _urgent, 1);
            _signal.Set();
            await generation.Task;
        }
    }

    public ValueTask WaitDurableAsync(long address)
    {
        if (IsDurable(address))
            return default;
        return _failure is { } failure ? ValueTask.FromException(new IOException("The store's log can no longer commit.", failure)) : WaitSlowAsync(address);
    }

    public void Dispose()
    {
        _stopping = true;
        _signal.Set();
        _thread.Join();
        _signal.Dispose();
        _committed.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitSlowAsync(long address)
    {
        while (true)
        {
            // Read the generation before re-checking: a commit that completes after this read completes this task.
            var generation = Generation();
            if (IsDurable(address))
                return;
            if (_failure is { } failure)
                throw new IOException("The store's log can no longer commit.", failure);
            await generation.Task;
        }
    }

    private void Run()
    {
        while (true)
        {
            if (!_stopping)
            {
                _signal.Wait();
                _signal.Reset();
            }

            if (Volatile.Read(ref _pending) == 0)
            {
                if (_stopping)
                    return;
                continue;
            }

            WaitForBatch();
            Interlocked.Exchange(ref _pending, 0);
            Volatile.Write(ref _urgent, 0);
            var tail = _log.TailAddress;
            var started = Stopwatch.GetTimestamp();
            try
            {
                CommitAndWait();
            }
            catch (Exception e)
            {
                _failure = e;
                Interlocked.Exchange(ref _generation, null)?.TrySetException(e);
                return;
            }

            Volatile.Write(ref _commitTicks, _commitTicks + (Stopwatch.GetTimestamp() - started));
            Volatile.Write(ref _commits, _commits + 1);
            Volatile.Write(ref _durableAddress, tail);
            Interlocked.Exchange(ref _generation, null)?.TrySetResult();
            NotifyListeners();
        }
    }

    private void NotifyListeners()
    {
        int due;
        lock (_listenerGate)
        {
            if (_listenerCount == 0)
                return;
            var durable = Volatile.Read(ref _durableAddress);
            if (_due.Length < _listenerCount)
                _due = new (long, IDurabilityListener)[_listeners.Length];
            due = 0;
            var kept = 0;
            for (var i = 0; i < _listenerCount; i++)
            {
                if (_listeners[i].Address <= durable)
                    _due[due++] = _listeners[i];
                else
                    _listeners[kept++] = _listeners[i];
            }

            Array.Clear(_listeners, kept, _listenerCount - kept);
            _listenerCount = kept;
        }

        // Outside the gate: a listener may register again at once.
        for (var i = 0; i < due; i++)
        {
            var listener = _due[i].Listener;
            _due[i] = default;
            listener.OnDurable();
        }
    }

    // The batching window: from the first pending write until the interval has passed, the batch is full,
    // someone asked for an immediate commit, or the store is closing.
    private void WaitForBatch()
    {
        var deadline = Stopwatch.GetTimestamp() + _intervalTicks;
        while (Volatile.Read(ref _pending) < _batchSize && Volatile.Read(ref _urgent) == 0 && !_stopping)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
                return;
            _signal.Wait(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
            _signal.Reset();
        }
    }

    // Blocks the commit thread on the commit's own awaiter: no Task wrapper (AsTask) and no per-wait event, so a commit
    // allocates only what FASTER itself does.
    private void CommitAndWait() => WaitFor(_log.CommitAsync());

    private void WaitFor(ValueTask commit)
    {
        if (!commit.IsCompleted)
        {
            _committed.Reset();
            commit.GetAwaiter().UnsafeOnCompleted(_onCommitted);
            _committed.Wait();
        }

        commit.GetAwaiter().GetResult();
    }

    private TaskCompletionSource Generation()
    {
        var current = Volatile.Read(ref _generation);
        if (current is not null)
            return current;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref _generation, created, null) ?? created;
    }
}
