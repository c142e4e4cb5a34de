using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Key layout: <c>[kind:1][user length:2, little-endian][user][suffix]</c>. The length prefix keeps
/// (user "a", suffix "bc") apart from (user "ab", suffix "c"). Sequence suffixes are big-endian so that keys
/// of one user sort in arrival order (not relied upon by FASTER's hash index, but it keeps dumps readable).
/// </summary>
internal static class KeyBuilder
{
    /// <summary>RFC 7622 allows 1023 bytes each for localpart and domainpart, plus the '@'.</summary>
    public const int MaxUserBytes = 2047;

    /// <summary>A contact JID or a document key (namespace).</summary>
    public const int MaxSuffixBytes = 3071;

    public const int MaxKeyBytes = 3 + MaxUserBytes + MaxSuffixBytes;

    public static bool IsValidUser(ReadOnlySpan<byte> user) => user.Length is > 0 and <= MaxUserBytes;

    public static void ValidateUser(ReadOnlySpan<byte> user)
    {
        if (!IsValidUser(user))
            Throw.InvalidKey(nameof(user), MaxUserBytes);
    }

    public static void ValidateSuffix(ReadOnlySpan<byte> suffix, string name)
    {
        if (suffix.Length is 0 or > MaxSuffixBytes)
            Throw.InvalidKey(name, MaxSuffixBytes);
    }

    public static int SizeOf(ReadOnlySpan<byte> user) => 3 + user.Length;

    public static int SizeOf(ReadOnlySpan<byte> user, ReadOnlySpan<byte> suffix) => 3 + user.Length + suffix.Length;

    public static int SizeOf(ReadOnlySpan<byte> user, int suffixBytes) => 3 + user.Length + suffixBytes;

    public static Span<byte> Write(Span<byte> destination, RecordKind kind, ReadOnlySpan<byte> user)
    {
        destination[0] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)user.Length);
        user.CopyTo(destination[3..]);
        return destination[..(3 + user.Length)];
    }

    public static Span<byte> Write(Span<byte> destination, RecordKind kind, ReadOnlySpan<byte> user, ReadOnlySpan<byte> suffix)
    {
        var head = Write(destination, kind, user).Length;
        suffix.CopyTo(destination[head..]);
        return destination[..(head + suffix.Length)];
    }

    public static Span<byte> Write(Span<byte> destination, RecordKind kind, ReadOnlySpan<byte> user, long sequence)
    {
        var head = Write(destination, kind, user).Length;
        BinaryPrimitives.WriteInt64BigEndian(destination[head..], sequence);
        return destination[..(head + sizeof(long))];
    }

    /// <summary>A sequence number, then a suffix (a peer's entries in an archive: the sequence first keeps the key unambiguous).</summary>
    public static Span<byte> Write(Span<byte> destination, RecordKind kind, ReadOnlySpan<byte> user, long sequence, ReadOnlySpan<byte> suffix)
    {
        var head = Write(destination, kind, user, sequence).Length;
        suffix.CopyTo(destination[head..]);
        return destination[..(head + suffix.Length)];
    }

    public static Span<byte> Write(Span<byte> destination, RecordKind kind, ReadOnlySpan<byte> user, ushort bucket)
    {
        var head = Write(destination, kind, user).Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[head..], bucket);
        return destination[..(head + sizeof(ushort))];
    }
}
