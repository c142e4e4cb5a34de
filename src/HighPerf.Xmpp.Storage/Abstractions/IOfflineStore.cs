namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Offline messages (XEP-0160) keyed by normalized bare-JID bytes: an ordered queue of stanza bytes per user
/// with a per-user cap.
/// </summary>
public interface IOfflineStore
{
    /// <summary>Appends one stanza; completes once durable, or returns Full without storing.</summary>
    ValueTask<OfflineAppendResult> AppendAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> stanza);

    /// <summary>Number of stored messages for the user.</summary>
    int Count(ReadOnlySpan<byte> user);

    /// <summary>All stored messages in arrival order.</summary>
    IReadOnlyList<OfflineMessage> ReadAll(ReadOnlySpan<byte> user);

    /// <summary>Deletes every message with a sequence number up to and including <paramref name="sequence"/>
    /// (after they were delivered); completes once durable.</summary>
    ValueTask DeleteThroughAsync(ReadOnlyMemory<byte> user, long sequence);

    ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user);
}
