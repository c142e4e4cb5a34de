using FASTER.core;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Opening a folder: lock, read the manifest, recover the KV checkpoint, replay the log.</summary>
internal sealed partial class FasterStore
{
    public static FasterStore Open(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.OfflineMessagesPerUser);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxValueBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CommitInterval.Ticks);

        var directory = Path.GetFullPath(options.Directory);
        options = options with { Directory = directory };
        System.IO.Directory.CreateDirectory(directory);
        var storeLock = StoreLock.Acquire(directory);
        StoreFiles? files = null;
        FasterStore? store = null;
        try
        {
            var manifest = ReadOrCreateManifest(directory);
            CheckFilesCover(directory, manifest, options);
            files = StoreFiles.Open(directory, options);
            Recover(directory, files, manifest);
            store = new FasterStore(options, storeLock, files, manifest);
            store.Replay();
            store.ReplayArchive();
            store.StartCheckpointing();
            return store;
        }
        catch
        {
            if (store is not null)
            {
                store.Abandon();
            }
            else
            {
                files?.Dispose();
                storeLock.Dispose();
            }

            throw;
        }
    }

    private static StoreManifest ReadOrCreateManifest(string directory)
    {
        var path = Path.Combine(directory, StoreManifest.FileName);
        if (!File.Exists(path))
        {
            if (StoreFiles.AnyExist(directory))
                Throw.Corrupt(directory, $"it holds store files but no '{StoreManifest.FileName}'");
            StoreManifest.Empty.Write(path);
            return StoreManifest.Empty;
        }

        try
        {
            return StoreManifest.Read(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Throw.Corrupt(directory, e.Message, e);
            return null;
        }
    }

    // Before FASTER reads anything: a short or missing segment would otherwise be read as zeros (an empty tail).
    private static void CheckFilesCover(string directory, StoreManifest manifest, StoreOptions options)
    {
        var kvLog = Path.Combine(directory, "kv", "hlog.log");
        var wal = Path.Combine(directory, "wal", "wal.log");
        var archive = Path.Combine(directory, "archive", "archive.log");
        var gap = SegmentFiles.FindGap(kvLog, StoreFiles.SegmentSizeBits, 64, manifest.KvFlushedAddress)
            ?? SegmentFiles.FindGap(wal, StoreFiles.SegmentSizeBits, manifest.WalReplayFrom, manifest.WalDurableAddress)
            ?? SegmentFiles.FindGap(archive, StoreFiles.ArchiveSegmentBitsFor(options), manifest.ArchiveReplayFrom, manifest.ArchiveDurableAddress);
        if (gap is not null)
            Throw.Corrupt(directory, gap);
        if (manifest.CheckpointToken != Guid.Empty
            && !System.IO.Directory.Exists(Path.Combine(directory, "kv", "checkpoints", "cpr-checkpoints", manifest.CheckpointToken.ToString())))
            Throw.Corrupt(directory, $"checkpoint {manifest.CheckpointToken} named by the manifest is missing");
    }

    private static void Recover(string directory, StoreFiles files, StoreManifest manifest)
    {
        try
        {
            if (manifest.CheckpointToken != Guid.Empty)
                files.Kv.Recover(manifest.CheckpointToken);
            files.Wal.Recover();
            files.Archive.Recover();
        }
        catch (Exception e) when (e is FasterException or IOException or InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException)
        {
            Throw.Corrupt(directory, $"recovery failed ({e.Message})", e);
        }

        // FASTER accepts some damaged checkpoint metadata (zeros) as an empty checkpoint; the manifest knows better.
        if (files.Kv.Log.TailAddress < manifest.KvFlushedAddress)
            Throw.Corrupt(directory, $"checkpoint {manifest.CheckpointToken} recovered the key-value log only to {files.Kv.Log.TailAddress}, before {manifest.KvFlushedAddress}");

        var wal = files.Wal;
        if (wal.CommittedUntilAddress < manifest.WalDurableAddress)
            Throw.Corrupt(directory, $"the write-ahead log ends at {wal.CommittedUntilAddress}, before {manifest.WalDurableAddress} which was durable");
        if (manifest.WalReplayFrom > 0 && wal.BeginAddress > manifest.WalReplayFrom)
            Throw.Corrupt(directory, "the write-ahead log was truncated past the last checkpoint");
        var gap = SegmentFiles.FindGap(files.WalLogPath, StoreFiles.SegmentSizeBits, wal.BeginAddress, wal.CommittedUntilAddress);
        if (gap is not null)
            Throw.Corrupt(directory, gap);

        var archive = files.Archive;
        if (archive.CommittedUntilAddress < manifest.ArchiveDurableAddress)
            Throw.Corrupt(directory, $"the archive log ends at {archive.CommittedUntilAddress}, before {manifest.ArchiveDurableAddress} which was durable");
        if (manifest.ArchiveReplayFrom > 0 && archive.BeginAddress > manifest.ArchiveReplayFrom)
            Throw.Corrupt(directory, "the archive log was truncated past the last checkpoint");
        gap = SegmentFiles.FindGap(files.ArchiveLogPath, files.ArchiveSegmentSizeBits, archive.BeginAddress, archive.CommittedUntilAddress);
        if (gap is not null)
            Throw.Corrupt(directory, gap);
    }

    // The archive log is the redo log of the archive's index records (see ArchiveStore).
    private void ReplayArchive()
    {
        try
        {
            ArchiveStore.Replay(_manifest.ArchiveReplayFrom);
        }
        catch (Exception e) when (e is FasterException or IOException or InvalidDataException)
        {
            Throw.Corrupt(_directory, $"replaying the archive log failed ({e.Message})", e);
        }
    }

    // Redo every committed entry after the checkpoint's cut. Entries carry whole values, so entries the
    // checkpoint already holds are rewritten with the same values.
    private void Replay()
    {
        var wal = _files.Wal;
        var from = Math.Max(wal.BeginAddress, _manifest.WalReplayFrom);
        var until = wal.CommittedUntilAddress;
        if (from >= until)
            return;
        var session = RentSession();
        try
        {
            using var iterator = wal.Scan(from, until, recover: false);
            while (iterator.GetNext(out byte[] entry, out var length, out _))
                WalEntry.Apply(entry.AsSpan(0, length), session);
        }
        catch (Exception e) when (e is FasterException or IOException or InvalidDataException)
        {
            Throw.Corrupt(_directory, $"replaying the write-ahead log failed ({e.Message})", e);
        }
        finally
        {
            ReturnSession(session);
        }
    }
}
