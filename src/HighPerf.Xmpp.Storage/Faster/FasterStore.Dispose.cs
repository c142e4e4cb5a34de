namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Shutdown: stop checkpointing, let in-flight operations finish, checkpoint, commit, release the folder.</summary>
internal sealed partial class FasterStore
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync();
        await _checkpointLoop;
        var drained = _sessions.Close(DrainTimeout);
        try
        {
            // A final checkpoint makes the next start replay nothing; it also commits the log.
            if (drained)
                await CheckpointAsync();
            else
            {
                await _committer.CommitNowAsync();
                await _archiveCommitter.CommitNowAsync();
            }
        }
        finally
        {
            Abandon();
        }
    }

    /// <summary>
    /// Releases everything without a checkpoint: after a failed open, at the end of dispose, and in recovery
    /// tests (the next open then replays the log, as after a crash).
    /// </summary>
    internal void Abandon()
    {
        Volatile.Write(ref _disposed, 1);
        _stop.Cancel();
        // A checkpoint under way finishes first: one still writing its files or the manifest after the folder's lock
        // is released would race the next open of the folder (a crash instead stops it with everything else).
        WaitForCheckpointLoop();
        _committer.Dispose();
        _archiveCommitter.Dispose();
        ArchiveStore.Dispose();
        _sessions.Dispose();
        _files.Dispose();
        _lock.Dispose();
        _stop.Dispose();
        _checkpointGate.Dispose();
    }

    private void WaitForCheckpointLoop()
    {
        try
        {
            _checkpointLoop.Wait(DrainTimeout);
        }
        catch (AggregateException)
        {
            // The loop ends on a failure it does not handle; the store is being abandoned either way.
        }
    }
}
