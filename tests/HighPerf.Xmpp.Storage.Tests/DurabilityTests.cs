using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Storage.Tests;

public sealed class DurabilityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Fresh_folder_starts_empty_and_reopens_empty()
    {
        await using (var store = FasterDataStore.Open(new StoreOptions { Directory = _folder.Path }))
            Assert.False(store.Accounts.TryGet("a@b"u8, out _));

        await using var again = await FasterDataStore.OpenAsync(new StoreOptions { Directory = _folder.Path });
        Assert.False(again.Accounts.TryGet("a@b"u8, out _));
    }

    [Fact]
    public async Task CommitAsync_forces_a_commit_at_once()
    {
        // With a 30 s batching window only a forced commit can make the write durable quickly.
        await using var store = FasterDataStore.Open(new StoreOptions { Directory = _folder.Path, CommitInterval = TimeSpan.FromSeconds(30), CommitBatchSize = 1000 });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var write = store.Offline.AppendAsync("a@b"u8.ToArray(), "<m/>"u8.ToArray());

        await store.CommitAsync();
        Assert.Equal(OfflineAppendResult.Stored, await write);

        // Well inside the 30 s window even on a loaded machine: only the forced commit can have made it durable.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Concurrent_writes_share_group_commits()
    {
        await using var store = FasterDataStore.Open(new StoreOptions { Directory = _folder.Path, CommitInterval = TimeSpan.FromMilliseconds(20) });
        var before = store.CommitStatistics.Commits;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.Accounts.CreateAsync(System.Text.Encoding.UTF8.GetBytes($"u{i}@x"), Accounts.Make(i)).AsTask()));

        // Counted, not timed: 200 writes issued together are made durable by a few shared commits, not 200.
        var commits = store.CommitStatistics.Commits - before;
        Assert.InRange(commits, 1, 50);
    }

    [Fact]
    public async Task Log_replay_after_an_unclean_stop_restores_every_acknowledged_write()
    {
        var options = new StoreOptions { Directory = _folder.Path, CheckpointLogBytes = 256 * 1024, IndexBuckets = 4096 };
        var store = (FasterStore)FasterDataStore.Open(options);
        var stanza = new byte[1000];
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            Assert.Equal(OfflineAppendResult.Stored, await store.Offline.AppendAsync(System.Text.Encoding.UTF8.GetBytes($"u{i % 10}@x"), Stanza(stanza.Length, i)));
            await store.Accounts.CreateAsync(System.Text.Encoding.UTF8.GetBytes($"a{i}@x"), Accounts.Make(i));
        });

        // Wait for a checkpoint (every 256 KiB of log) so that recovery combines a checkpoint and a replay.
        for (var i = 0; i < 100 && store.Manifest.CheckpointToken == Guid.Empty; i++)
            await Task.Delay(50);
        Assert.NotEqual(Guid.Empty, store.Manifest.CheckpointToken);
        for (var i = 2000; i < 2100; i++)
            await store.Accounts.CreateAsync(System.Text.Encoding.UTF8.GetBytes($"a{i}@x"), Accounts.Make(i));
        store.Abandon();

        await using var reopened = FasterDataStore.Open(options);
        for (var i = 0; i < 2100; i++)
        {
            Assert.True(reopened.Accounts.TryGet(System.Text.Encoding.UTF8.GetBytes($"a{i}@x"), out var record), $"a{i}");
            Assert.True(Accounts.AreEqual(Accounts.Make(i), record));
        }

        var messages = Enumerable.Range(0, 10).SelectMany(u => reopened.Offline.ReadAll(System.Text.Encoding.UTF8.GetBytes($"u{u}@x"))).ToList();
        Assert.Equal(2000, messages.Count);
        Assert.All(messages, m => Assert.Equal(Stanza(stanza.Length, BitConverter.ToInt32(m.Stanza)), m.Stanza));
    }

    [Fact]
    public async Task Checkpoints_truncate_the_write_ahead_log()
    {
        var options = new StoreOptions { Directory = _folder.Path, CheckpointLogBytes = long.MaxValue, IndexBuckets = 4096 };
        await using var store = (FasterStore)FasterDataStore.Open(options);
        var stanza = new byte[60_000];
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 200; i++)
                await store.UserData.SetAsync("u@x"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"k{i % 5}"), stanza);
            await store.CheckpointAsync();
        }

        // Truncation goes to the page start at or below the last checkpoint's cut; the replay starts at the cut.
        var pageStart = store.Manifest.WalReplayFrom & ~((1L << 21) - 1);
        Assert.True(pageStart > 64, $"cut {store.Manifest.WalReplayFrom}");
        Assert.Equal(pageStart, store.Wal.BeginAddress);
        Assert.Single(Directory.GetDirectories(Path.Combine(_folder.Path, "kv", "checkpoints", "cpr-checkpoints")));
        Assert.Single(Directory.GetDirectories(Path.Combine(_folder.Path, "kv", "checkpoints", "index-checkpoints")));
    }

    [Fact]
    public async Task Records_evicted_to_disk_are_read_back()
    {
        // 8 MiB of log memory, 30 MB written: the first records are only on disk, so reads go pending.
        var options = new StoreOptions { Directory = _folder.Path, LogMemoryBytes = 4 << 20, IndexBuckets = 4096 };
        await using var store = FasterDataStore.Open(options);
        await store.Accounts.CreateAsync("early@x"u8.ToArray(), Accounts.Make(42));
        var document = new byte[100_000];
        for (var i = 0; i < 300; i++)
        {
            BitConverter.TryWriteBytes(document, i);
            await store.UserData.SetAsync("u@x"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes($"doc{i}"), document);
        }

        Assert.True(store.Accounts.TryGet("early@x"u8, out var account));
        Assert.True(Accounts.AreEqual(Accounts.Make(42), account));
        for (var i = 0; i < 300; i++)
            Assert.Equal(i, BitConverter.ToInt32(store.UserData.Get("u@x"u8, System.Text.Encoding.UTF8.GetBytes($"doc{i}"))));
    }

    private static byte[] Stanza(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        BitConverter.TryWriteBytes(bytes, seed);
        return bytes;
    }
}
