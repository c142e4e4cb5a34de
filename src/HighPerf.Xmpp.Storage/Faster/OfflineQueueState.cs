namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Per-user offline queue bounds: messages have sequence numbers in [Head, Tail). Sequence numbers only grow
/// (a drained queue keeps its Tail), so a sequence a client saw is never reused for another message.
/// </summary>
internal struct OfflineQueueState
{
    public long Head;
    public long Tail;

    public static OfflineQueueState Empty => new() { Head = 1, Tail = 1 };

    public readonly long Count => Tail - Head;
}
