namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>What <see cref="IArchiveStore.Append"/> assigned: the entry's id and timestamp, and the log position whose
/// durability makes the entry durable.</summary>
public readonly record struct ArchiveAppendResult(ArchiveId Id, long TimestampUs, long Position);
