using System.Text;
using BenchmarkDotNet.Attributes;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Benchmarks.Storage;

/// <summary>
/// The FASTER store on real files in a temp folder: the login lookup (must allocate nothing), roster reads at
/// login (100 and 10,000 items), durable writes (each awaits the group commit that covers it, 2 ms window by
/// default), and an offline append/drain cycle. "Concurrent64" issues 64 writes before awaiting them, as 64
/// clients would, to show what group commit does for throughput.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(3)]
[IterationCount(10)]
public class StorageBenchmarks
{
    private const int Concurrent = 64;
    private const int OfflineBatch = 10;

    private readonly byte[] _user = "romeo@montague.lit"u8.ToArray();
    private readonly byte[] _roster100 = "small@montague.lit"u8.ToArray();
    private readonly byte[] _roster10000 = "large@montague.lit"u8.ToArray();
    private readonly byte[] _writer = "writer@montague.lit"u8.ToArray();
    private readonly byte[] _offline = "juliet@capulet.lit"u8.ToArray();
    private readonly byte[] _stanza = Encoding.UTF8.GetBytes("<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='chat' id='m1'><body>Wherefore art thou?</body></message>");
    private readonly ValueTask<long>[] _pendingSets = new ValueTask<long>[Concurrent];
    private readonly ValueTask<OfflineAppendResult>[] _pendingAppends = new ValueTask<OfflineAppendResult>[OfflineBatch];
    private RosterItemRecord[] _items = [];
    private string _folder = "";
    private IDataStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "hpx-bench-" + Guid.NewGuid().ToString("N"));
        _store = FasterDataStore.Open(new StoreOptions { Directory = _folder });
        var account = new AccountRecord { Iterations = 4096, SaltLength = 16 };
        _store.Accounts.CreateAsync(_user, account).AsTask().GetAwaiter().GetResult();
        Fill(_roster100, 100);
        Fill(_roster10000, 10_000);
        _items = Enumerable.Range(0, 1000)
            .Select(i => new RosterItemRecord { Jid = Encoding.UTF8.GetBytes($"friend{i}@example.com"), Name = Encoding.UTF8.GetBytes($"Friend {i}"), Groups = [Encoding.UTF8.GetBytes("Friends")], Subscription = SubscriptionState.Both })
            .ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public bool AccountLookup() => _store.Accounts.TryGet(_user, out _);

    [Benchmark]
    public int RosterGet100() => _store.Rosters.GetAll(_roster100).Count;

    [Benchmark]
    public int RosterGet10000() => _store.Rosters.GetAll(_roster10000).Count;

    [Benchmark]
    public async Task<long> RosterSetWithCommit() => await _store.Rosters.SetAsync(_writer, NextItem());

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public async Task RosterSetWithCommitConcurrent64()
    {
        for (var i = 0; i < Concurrent; i++)
#pragma warning disable CA2012 // Each ValueTask is awaited exactly once, in the loop below.
            _pendingSets[i] = _store.Rosters.SetAsync(_writer, NextItem());
#pragma warning restore CA2012
        for (var i = 0; i < Concurrent; i++)
            await _pendingSets[i];
    }

    /// <summary>Per message: append (durable), then read the queue and delete it once delivered (durable).</summary>
    [Benchmark(OperationsPerInvoke = OfflineBatch)]
    public async Task OfflineAppendDrain()
    {
        for (var i = 0; i < OfflineBatch; i++)
#pragma warning disable CA2012 // Each ValueTask is awaited exactly once, in the loop below.
            _pendingAppends[i] = _store.Offline.AppendAsync(_offline, _stanza);
#pragma warning restore CA2012
        for (var i = 0; i < OfflineBatch; i++)
            await _pendingAppends[i];
        var messages = _store.Offline.ReadAll(_offline);
        await _store.Offline.DeleteThroughAsync(_offline, messages[^1].Sequence);
    }

    private RosterItemRecord NextItem() => _items[_next++ % _items.Length];

    private void Fill(byte[] user, int count)
    {
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await _store.Rosters.SetAsync(user, new RosterItemRecord { Jid = Encoding.UTF8.GetBytes($"contact{i}@example.com"), Name = Encoding.UTF8.GetBytes($"Contact {i}"), Groups = [Encoding.UTF8.GetBytes("Buddies")], Subscription = SubscriptionState.Both }))
            .GetAwaiter().GetResult();
    }
}
