namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// One page of an archive query: entries oldest first, the number of entries matching the filters, and whether
/// the page reaches the end of the matching entries in its direction (the last one when paging forward, the first
/// when paging back). <see cref="UnknownId"/> says that an id the query named is not in the archive (nothing else
/// is then set).
/// </summary>
public sealed class ArchivePage
{
    public static ArchivePage Unknown { get; } = new() { UnknownId = true, Complete = true };

    public IReadOnlyList<ArchivedMessage> Messages { get; init; } = [];

    public long Count { get; init; }

    public bool Complete { get; init; }

    public bool UnknownId { get; init; }

    /// <summary>Position of the page's first entry among the matching entries (RSM's first@index).</summary>
    public long FirstIndex { get; init; }
}

/// <summary>An archived entry: its id, its timestamp (Unix microseconds) and its bytes.</summary>
public readonly record struct ArchivedMessage(ArchiveId Id, long TimestampUs, ReadOnlyMemory<byte> Message);
