namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Filters and one page request over an owner's archive. Filters: <see cref="Peer"/> (and optionally the exact
/// <see cref="PeerDetail"/>), a time range (inclusive), entries strictly after/before an id, a set of ids. The
/// page: up to <see cref="Max"/> entries after <see cref="PageAfter"/>, or before <see cref="PageBefore"/>, or the
/// last page (<see cref="LastPage"/>), else the first; always returned oldest first.
/// </summary>
public sealed record ArchiveQuery
{
    public byte[]? Peer { get; init; }

    /// <summary>Only with <see cref="Peer"/>: entries whose peer detail is exactly this.</summary>
    public byte[]? PeerDetail { get; init; }

    /// <summary>Unix microseconds, inclusive.</summary>
    public long? StartUs { get; init; }

    /// <summary>Unix microseconds, inclusive.</summary>
    public long? EndUs { get; init; }

    public ArchiveId? AfterId { get; init; }

    public ArchiveId? BeforeId { get; init; }

    public IReadOnlyList<ArchiveId>? Ids { get; init; }

    /// <summary>Entries on the page; 0 asks for the count only.</summary>
    public int Max { get; init; } = 50;

    public ArchiveId? PageAfter { get; init; }

    public ArchiveId? PageBefore { get; init; }

    /// <summary>The page that ends with the last matching entry (RSM's empty &lt;before/&gt;).</summary>
    public bool LastPage { get; init; }
}
