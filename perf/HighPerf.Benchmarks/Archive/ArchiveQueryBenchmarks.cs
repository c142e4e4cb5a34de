using System.Text;
using BenchmarkDotNet.Attributes;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Benchmarks.Archive;

/// <summary>
/// XEP-0313 queries of 100 messages out of one user's archive of 100,000 (the user talks to 50 contacts; 20
/// other users' archives share the store): the last page (RSM &lt;before/&gt;), a page in the middle found by time
/// (start), a page after an id (RSM &lt;after/&gt;), and one conversation's page by time. Each reads 100 entries
/// from the archive log by address after a few dozen index reads. The baseline is what an archive without an index
/// does for the same page: scan the whole log for the user's entries. The setup prints the bytes on disk per
/// archived message (archive log and key-value index) after a checkpoint.
/// </summary>
[MemoryDiagnoser]
public class ArchiveQueryBenchmarks
{
    private const int Messages = 100_000;
    private const int Contacts = 50;
    private const long T0 = 1_700_000_000_000_000;

    private static readonly byte[] Owner = "juliet@bench.example"u8.ToArray();
    private string _folder = "";
    private IDataStore _store = null!;
    private ArchiveId _middle;
    private ArchiveQuery _lastPage = null!;
    private ArchiveQuery _byTime = null!;
    private ArchiveQuery _afterId = null!;
    private ArchiveQuery _conversation = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "hpx-archive-query-" + Guid.NewGuid().ToString("N"));
        _store = FasterDataStore.Open(new StoreOptions { Directory = _folder });
        var archive = _store.Archive;
        var last = default(ArchiveAppendResult);
        var body = new string('x', 60);
        var others = 0;
        for (var i = 0; i < Messages; i++)
        {
            var contact = Encoding.UTF8.GetBytes($"contact{i % Contacts}@bench.example");
            var message = Encoding.UTF8.GetBytes(
                $"<message xmlns='jabber:client' from='contact{i % Contacts}@bench.example/phone' to='juliet@bench.example' type='chat' id='m{i}'><body>{body} {i}</body><origin-id xmlns='urn:xmpp:sid:0' id='{Guid.NewGuid()}'/></message>");
            last = archive.Append(Owner, contact, contact, T0 + (i * 1_000_000L), message);
            if (i == Messages / 2)
            {
                _middle = last.Id;
            }

            if (i % 5 == 0)
            {
                // Other users' messages interleave in the shared log.
                archive.Append(Encoding.UTF8.GetBytes($"user{others++ % 20}@bench.example"), contact, contact, T0 + (i * 1_000_000L), message);
            }
        }

        archive.WhenDurableAsync(last.Position).AsTask().GetAwaiter().GetResult();
        PrintBytesOnDisk();

        _lastPage = new ArchiveQuery { Max = 100, LastPage = true };
        _byTime = new ArchiveQuery { Max = 100, StartUs = T0 + (Messages / 3 * 1_000_000L) };
        _afterId = new ArchiveQuery { Max = 100, PageAfter = _middle };
        _conversation = new ArchiveQuery { Max = 100, Peer = "contact7@bench.example"u8.ToArray(), StartUs = T0 + (Messages / 2 * 1_000_000L) };
        foreach (var query in new[] { _lastPage, _byTime, _afterId, _conversation })
        {
            if (archive.QueryAsync(Owner, query).AsTask().GetAwaiter().GetResult().Messages.Count != 100)
            {
                throw new InvalidOperationException("A query did not return 100 messages.");
            }
        }

        if (ScanForPage().Result != 100)
        {
            throw new InvalidOperationException("The scan baseline did not find 100 messages.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public async Task<int> LastPage() => (await _store.Archive.QueryAsync(Owner, _lastPage)).Messages.Count;

    [Benchmark]
    public async Task<int> PageByTime() => (await _store.Archive.QueryAsync(Owner, _byTime)).Messages.Count;

    [Benchmark]
    public async Task<int> PageAfterId() => (await _store.Archive.QueryAsync(Owner, _afterId)).Messages.Count;

    [Benchmark]
    public async Task<int> ConversationPageByTime() => (await _store.Archive.QueryAsync(Owner, _conversation)).Messages.Count;

    /// <summary>The page after the middle id found by scanning the whole archive log (no index).</summary>
    [Benchmark(Baseline = true)]
    public Task<int> ScanForPage()
    {
        var log = ((FasterStore)_store).ArchiveStore.Log;
        var found = 0;
        var seen = false;
        using var iterator = log.Scan(log.BeginAddress, log.CommittedUntilAddress, recover: false);
        while (found < 100 && iterator.GetNext(out byte[] entry, out var length, out _))
        {
            // [format][op][owner length:2][owner][epoch:4][sequence:8]: the owner, then its sequence number.
            var span = entry.AsSpan(0, length);
            var ownerLength = span[2] | (span[3] << 8);
            if (!span.Slice(4, ownerLength).SequenceEqual(Owner))
            {
                continue;
            }

            var sequence = BitConverter.ToInt64(span.Slice(4 + ownerLength + 4, 8));
            if (seen)
            {
                found++;
            }
            else
            {
                seen = sequence == _middle.Sequence;
            }
        }

        return Task.FromResult(found);
    }

    private void PrintBytesOnDisk()
    {
        var store = (FasterStore)_store;
        store.CheckpointAsync().GetAwaiter().GetResult();
        var archiveBytes = DirectoryBytes(Path.Combine(_folder, "archive"));
        var kvBytes = DirectoryBytes(Path.Combine(_folder, "kv"));
        var total = Messages + (Messages / 5);
        Console.WriteLine($"// bytes on disk per archived message: {(archiveBytes + kvBytes) / (double)total:F0} "
            + $"(archive log {archiveBytes / (double)total:F0}, key-value index and checkpoint {kvBytes / (double)total:F0}; {total} messages, "
            + $"archive log live range {store.Archive.Space.LiveBytes / (double)total:F0} B/message)");
    }

    private static long DirectoryBytes(string folder)
        => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
