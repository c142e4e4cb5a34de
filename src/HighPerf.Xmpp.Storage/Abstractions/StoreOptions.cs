namespace HighPerf.Xmpp.Storage.Abstractions;

public sealed record StoreOptions
{
    /// <summary>Folder holding the store's files (created when missing).</summary>
    public required string Directory { get; init; }

    /// <summary>Cap on stored offline messages per user (XEP-0160); beyond it appends return Full.</summary>
    public int OfflineMessagesPerUser { get; init; } = 1000;

    /// <summary>Longest a write waits for the group commit that covers it.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(2);
}
