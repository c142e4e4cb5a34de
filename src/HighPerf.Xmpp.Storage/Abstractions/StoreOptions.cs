namespace HighPerf.Xmpp.Storage.Abstractions;

public sealed record StoreOptions
{
    /// <summary>Folder holding the store's files (created when missing).</summary>
    public required string Directory { get; init; }

    /// <summary>Cap on stored offline messages per user (XEP-0160); beyond it appends return Full.</summary>
    public int OfflineMessagesPerUser { get; init; } = 1000;

    /// <summary>Longest a write waits for the group commit that covers it.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Pending writes that start a group commit at once instead of waiting for <see cref="CommitInterval"/>.</summary>
    public int CommitBatchSize { get; init; } = 64;

    /// <summary>Write-ahead-log bytes after which the key-value store is checkpointed and the log truncated.</summary>
    public long CheckpointLogBytes { get; init; } = 64L << 20;

    /// <summary>Longest time between checkpoints while writes happen (bounds the log replayed at start).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Memory for the key-value log's in-memory pages (rounded down to a power of two, at least 4 MiB).</summary>
    public long LogMemoryBytes { get; init; } = 16L << 20;

    /// <summary>Hash index buckets (64 bytes each; rounded down to a power of two). Grows by overflow buckets when full.</summary>
    public long IndexBuckets { get; init; } = 1L << 16;

    /// <summary>Size of the message archive's log segment files (rounded down to a power of two, at least one log
    /// page): retention gives disk space back a whole segment at a time.</summary>
    public long ArchiveSegmentBytes { get; init; } = 64L << 20;

    /// <summary>Largest value one record may hold (an offline stanza, a vCard, a private XML document).</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;
}
