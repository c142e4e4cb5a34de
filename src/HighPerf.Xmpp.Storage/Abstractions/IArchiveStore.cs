namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Per-user message archives (what XEP-0313 serves), keyed by normalized bare-JID bytes of the owner. Each entry
/// is opaque message bytes with a peer (the secondary key queries filter on, e.g. the other party's bare JID) and
/// a peer detail (an exact sub-key, e.g. its full JID). Entries get a per-owner <see cref="ArchiveId"/> and a
/// timestamp that strictly grows per owner, so archive order is time order.
/// <para>Durability: <see cref="Append"/> returns at once with a position; the entry is durable (and visible to
/// queries) once <see cref="IsDurable"/> says so. Callers that must not show the entry to anyone before that
/// (delivery after the archive commit) wait with <see cref="NotifyWhenDurable"/> or <see cref="WhenDurableAsync"/>.</para>
/// </summary>
public interface IArchiveStore
{
    /// <summary>Largest message <see cref="Append"/> takes.</summary>
    int MaxMessageBytes { get; }

    /// <summary>
    /// Appends one entry; allocation-free. <paramref name="timestampUs"/> (Unix microseconds) is raised to one
    /// past the owner's previous entry when it is not later.
    /// </summary>
    ArchiveAppendResult Append(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> peerDetail, long timestampUs, ReadOnlySpan<byte> message);

    bool IsDurable(long position);

    /// <summary>Calls <paramref name="listener"/> once, from the commit thread, when <paramref name="position"/> is
    /// durable; returns false without calling it when the position is durable already.</summary>
    bool NotifyWhenDurable(long position, IDurabilityListener listener);

    ValueTask WhenDurableAsync(long position);

    /// <summary>One page of the owner's entries matching <paramref name="query"/>, read from durable entries.</summary>
    ValueTask<ArchivePage> QueryAsync(ReadOnlyMemory<byte> owner, ArchiveQuery query);

    /// <summary>Forgets the owner's whole archive (account deletion); completes once durable. The bytes stay in the
    /// log until retention truncates it.</summary>
    ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner);

    /// <summary>
    /// Retention: forgets every entry older than <paramref name="threshold"/>, makes that durable with a checkpoint,
    /// then truncates the log below them (disk space comes back a log segment at a time). Returns the number of
    /// entries forgotten.
    /// </summary>
    ValueTask<long> ExpireBeforeAsync(DateTimeOffset threshold);

    /// <summary>Bytes of the archive's log on disk and in the log's live range (for the bytes-per-message figure).</summary>
    ArchiveSpace Space { get; }
}

/// <summary>The archive log's live address range (what retention keeps).</summary>
public readonly record struct ArchiveSpace(long BeginAddress, long TailAddress)
{
    public long LiveBytes => TailAddress - BeginAddress;
}
