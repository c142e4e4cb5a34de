namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// A roster's contact set, split by a stable hash of the contact JID into <see cref="Buckets"/> records of
/// <c>[tag][ByteStringList of JIDs]</c>. A change rewrites one bucket (1/256 of the index; about 1 KB for a
/// 10,000-item roster), never the whole roster; reading the roster reads the occupied buckets, then the items.
/// </summary>
internal static class RosterIndex
{
    public const int Buckets = 256;

    public static ushort BucketOf(ReadOnlySpan<byte> contact) => (ushort)(StableHash.Fnv1a64(contact) % Buckets);
}
