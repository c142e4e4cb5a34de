using System.Runtime.CompilerServices;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Per-user roster header: the version (XEP-0237 'ver', bumped by every change), the item count, and which
/// of the <see cref="RosterIndex.Buckets"/> index buckets hold contacts, so that reading a small roster
/// touches only its few buckets.
/// </summary>
internal struct RosterState
{
    public long Version;
    public int Count;
    public OccupiedBuckets Occupied;

    public readonly bool IsOccupied(int bucket) => (Occupied[bucket >> 6] & (1UL << (bucket & 63))) != 0;

    public void SetOccupied(int bucket, bool occupied)
    {
        if (occupied)
            Occupied[bucket >> 6] |= 1UL << (bucket & 63);
        else
            Occupied[bucket >> 6] &= ~(1UL << (bucket & 63));
    }

    [InlineArray(RosterIndex.Buckets / 64)]
    public struct OccupiedBuckets
    {
        private ulong _element0;
    }
}
