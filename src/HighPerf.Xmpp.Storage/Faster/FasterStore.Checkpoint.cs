using System.Diagnostics;
using FASTER.core;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// KV checkpoints bound the log replayed at start. Sequence: (1) with every user lock held for an instant,
/// note the log tail A (every entry below A is fully applied to the KV) and the KV tail; (2) take a fold-over
/// checkpoint (it contains at least everything applied before it began, so at least everything below A);
/// (3) commit the log through its current tail B, so any write the checkpoint holds is also in the durable
/// log and replays whole; (4) atomically replace the manifest (checkpoint, A, B); (5) delete older checkpoints
/// and truncate the log below A. A crash anywhere before (4) recovers from the previous manifest.
/// The archive log rides along: its tail is noted with A (its cut, where its replay starts next time) and it is
/// committed with B; it is not truncated here (it holds the archive itself; retention truncates it).
/// </summary>
internal sealed partial class FasterStore
{
    private static readonly TimeSpan CheckpointPoll = TimeSpan.FromMilliseconds(50);

    private long _writesAtLastCheckpoint;

    private void StartCheckpointing()
    {
        _lastCheckpointTicks = Stopwatch.GetTimestamp();
        _writesAtLastCheckpoint = _files.Wal.TailAddress + _files.Archive.TailAddress;
        _checkpointLoop = Task.Run(() => CheckpointLoopAsync(_stop.Token));
    }

    private async Task CheckpointLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckpointPoll, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var tail = _files.Wal.TailAddress + _files.Archive.TailAddress;
            var logBytes = Math.Max(_files.Wal.TailAddress - _manifest.WalReplayFrom, _files.Archive.TailAddress - _manifest.ArchiveReplayFrom);
            var elapsed = Stopwatch.GetElapsedTime(_lastCheckpointTicks);
            var due = logBytes >= _options.CheckpointLogBytes
                || (elapsed >= _options.CheckpointInterval && tail != Volatile.Read(ref _writesAtLastCheckpoint));
            if (!due)
                continue;
            try
            {
                await CheckpointAsync();
            }
            catch (Exception e) when (e is IOException or FasterException or UnauthorizedAccessException)
            {
                // Durability does not depend on checkpoints (the log has every write); a failed checkpoint only
                // means a longer replay. The next attempt comes at the next poll; dispose reports a lasting failure.
                _lastCheckpointTicks = Stopwatch.GetTimestamp();
            }
        }
    }

    /// <summary>Takes a checkpoint now (also used on dispose so that the next start replays nothing).</summary>
    internal async Task CheckpointAsync()
    {
        await _checkpointGate.WaitAsync();
        try
        {
            long walCut;
            long kvCut;
            long archiveCut;
            _locks.EnterAll();
            try
            {
                walCut = _files.Wal.TailAddress;
                kvCut = _files.Kv.Log.TailAddress;
                archiveCut = _files.Archive.TailAddress;
            }
            finally
            {
                _locks.ExitAll();
            }

            var (started, token) = await _files.Kv.TakeFullCheckpointAsync(CheckpointType.FoldOver);
            if (!started)
                return;
            await _committer.CommitNowAsync();
            await _archiveCommitter.CommitNowAsync();

            var previous = _manifest;
            var next = new StoreManifest(token, walCut, _committer.DurableAddress, kvCut, archiveCut, _archiveCommitter.DurableAddress);
            next.Write(Path.Combine(_directory, StoreManifest.FileName));
            _manifest = next;
            _lastCheckpointTicks = Stopwatch.GetTimestamp();
            Volatile.Write(ref _writesAtLastCheckpoint, _files.Wal.TailAddress + _files.Archive.TailAddress);

            PurgeCheckpointsExcept(token, previous.CheckpointToken);
            // Page granularity is always a valid truncation point; the next commit persists it and deletes
            // whole segments below it.
            _files.Wal.TruncateUntilPageStart(walCut);
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    private void PurgeCheckpointsExcept(Guid keep, Guid previous)
    {
        // The previous checkpoint is purged by token; leftovers of checkpoints interrupted by a crash are
        // found by listing, since no manifest ever named them.
        var stale = new HashSet<Guid>(_files.Checkpoints.GetLogCheckpointTokens());
        stale.UnionWith(_files.Checkpoints.GetIndexCheckpointTokens());
        if (previous != Guid.Empty)
            stale.Add(previous);
        stale.Remove(keep);
        foreach (var token in stale)
            _files.Checkpoints.Purge(token);
    }
}
