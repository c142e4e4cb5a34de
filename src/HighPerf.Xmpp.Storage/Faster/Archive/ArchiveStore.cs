using System.Security.Cryptography;
using FASTER.core;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// The message archive: an append-only FasterLog of its own (<see cref="StoreFiles.Archive"/>) holding every entry's
/// bytes, and an index per owner in the key-value store: a state record (id epoch, live sequence range, last
/// time), one record per entry (owner, sequence) with its log address, time, peer sequence and peer-detail hash,
/// and per (owner, peer) a state and one record per entry mapping the peer's sequence to the owner's. Times grow
/// strictly per owner, so a time bound is a binary search over sequences; an id encodes its sequence; a peer
/// filter walks the peer's own sequence: no query scans an archive.
/// <para>Durability: an append takes the owner's lock, enqueues ONE archive log entry and applies its index
/// records; it is durable once the archive's group commit covers the entry. The index records are not in the
/// write-ahead log: the archive log is their redo log, replayed from the checkpoint's cut (the manifest's
/// <see cref="StoreManifest.ArchiveReplayFrom"/>) like the write-ahead log. Appending allocates nothing: keys are
/// on the stack, the entry is built in the rented session's scratch buffer, FASTER takes spans.</para>
/// </summary>
internal sealed partial class ArchiveStore : IArchiveStore, IDisposable
{
    private readonly FasterStore _store;
    private readonly FasterLog _log;
    private readonly GroupCommitter _committer;

    public ArchiveStore(FasterStore store, FasterLog log, GroupCommitter committer)
    {
        _store = store;
        _log = log;
        _committer = committer;
        MaxMessageBytes = Math.Min(store.Options.MaxValueBytes, store.MaxEntryBytes - ArchiveLogEntry.AppendSize(default, default, default, 0) - 2 * KeyBuilder.MaxUserBytes - KeyBuilder.MaxSuffixBytes);
    }

    public int MaxMessageBytes { get; }

    /// <summary>The archive log itself (benchmarks compare queries with a scan of it).</summary>
    internal FasterLog Log => _log;

    public ArchiveSpace Space => new(_log.BeginAddress, _log.TailAddress);

    public ArchiveAppendResult Append(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer, ReadOnlySpan<byte> peerDetail, long timestampUs, ReadOnlySpan<byte> message)
    {
        KeyBuilder.ValidateUser(owner);
        KeyBuilder.ValidateSuffix(peer, nameof(peer));
        if (peer.Length > KeyBuilder.MaxSuffixBytes - sizeof(long) || peerDetail.Length > KeyBuilder.MaxSuffixBytes)
            Throw.InvalidKey(nameof(peerDetail), KeyBuilder.MaxSuffixBytes - sizeof(long));
        if (message.IsEmpty || message.Length > MaxMessageBytes)
            Throw.ValueTooLarge(nameof(message), message.Length, MaxMessageBytes);

        var session = _store.RentSession();
        try
        {
            lock (_store.LockFor(owner))
            {
                if (!ArchiveRecords.TryReadState(session, owner, out var state))
                    state = new ArchiveState { Epoch = NewEpoch() };
                var peerSequence = ArchiveRecords.TryReadPeerState(session, owner, peer, out var peerState) ? peerState.Next : 0;
                var entry = new ArchiveLogEntry
                {
                    Op = ArchiveLogEntry.OpAppend,
                    Owner = owner,
                    Epoch = state.Epoch,
                    Sequence = state.Next,
                    TimestampUs = Math.Max(timestampUs, state.LastTimestampUs + 1),
                    PeerSequence = peerSequence,
                    Peer = peer,
                    Detail = peerDetail,
                    Message = message,
                };
                var bytes = session.Scratch(ArchiveLogEntry.AppendSize(owner, peer, peerDetail, message.Length));
                var address = _log.Enqueue(bytes[..entry.Write(bytes)]);
                ArchiveIndex.Apply(session, entry, address);
                _committer.Register();
                return new ArchiveAppendResult(ArchiveId.From(entry.Epoch, entry.Sequence), entry.TimestampUs, address + 1);
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    public void Dispose() => _expiry.Dispose();

    public bool IsDurable(long position) => _committer.IsDurable(position);

    public bool NotifyWhenDurable(long position, IDurabilityListener listener) => _committer.NotifyWhenDurable(position, listener);

    public ValueTask WhenDurableAsync(long position) => _committer.WaitDurableAsync(position);

    public ValueTask DeleteAllAsync(ReadOnlyMemory<byte> owner)
    {
        KeyBuilder.ValidateUser(owner.Span);
        var session = _store.RentSession();
        long position;
        try
        {
            lock (_store.LockFor(owner.Span))
            {
                var entry = new ArchiveLogEntry { Op = ArchiveLogEntry.OpDeleteAll, Owner = owner.Span };
                var bytes = session.Scratch(ArchiveLogEntry.DeleteAllSize(owner.Span));
                var address = _log.Enqueue(bytes[..entry.Write(bytes)]);
                ArchiveIndex.Apply(session, entry, address);
                _committer.Register();
                position = address + 1;
            }
        }
        finally
        {
            _store.ReturnSession(session);
        }

        return _committer.WaitDurableAsync(position);
    }

    /// <summary>Recovery: redoes the committed entries from <paramref name="from"/> on the calling thread.</summary>
    internal void Replay(long from)
    {
        var until = _log.CommittedUntilAddress;
        from = Math.Max(from, _log.BeginAddress);
        if (from >= until)
            return;
        var session = _store.RentSession();
        try
        {
            using var iterator = _log.Scan(from, until, recover: false);
            while (iterator.GetNext(out byte[] bytes, out var length, out var address))
                ArchiveIndex.Apply(session, ArchiveLogEntry.Parse(bytes.AsSpan(0, length)), address);
        }
        finally
        {
            _store.ReturnSession(session);
        }
    }

    // 24 random bits, never zero (so that no id is all zeros).
    private static uint NewEpoch() => (uint)RandomNumberGenerator.GetInt32(1, 1 << 24);
}
