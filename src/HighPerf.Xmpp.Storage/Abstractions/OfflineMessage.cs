namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>A stored offline message: its per-user sequence number (arrival order) and its bytes.</summary>
public readonly record struct OfflineMessage(long Sequence, byte[] Stanza);
