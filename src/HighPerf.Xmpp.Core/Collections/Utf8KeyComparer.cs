using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace HighPerf.Xmpp.Core.Collections;

/// <summary>
/// Equality of byte-array keys (normalized JIDs, namespaces) by content, with span lookups:
/// <c>new Dictionary&lt;byte[], T&gt;(Utf8KeyComparer.Instance).GetAlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;()</c>
/// finds a value from bytes on the wire without allocating a key.
/// </summary>
/// <remarks>
/// The hash reads 8 bytes per round (an xxHash64-style round, then the murmur3 finalizer) from a seed drawn
/// once per process, so a client choosing resource names cannot precompute colliding keys across servers.
/// It is not a keyed PRF: it raises the cost of hash flooding, it does not rule it out. A JID of 20–60
/// bytes hashes in a handful of multiplies; <see cref="HashCode.AddBytes"/> (xxHash32, 4 bytes per step) is
/// measured against it in <c>perf/HighPerf.Benchmarks/Jid/Utf8KeyHashBenchmarks.cs</c>.
/// </remarks>
public sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    private static readonly ulong Seed = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    /// <summary>A shared instance; the comparer has no state of its own.</summary>
    public static Utf8KeyComparer Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y)
        => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Hash(obj);
    }

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => other is not null && alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    /// <summary>Copies the key when a lookup adds an entry (<c>TryAdd</c> on the alternate lookup).</summary>
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    /// <summary>The hash used for keys: equal bytes give equal hashes within this process.</summary>
    public static int Hash(ReadOnlySpan<byte> key)
    {
        var length = key.Length;
        var hash = Seed + ((ulong)length * Prime1);
        if (length >= 8)
        {
            var offset = 0;
            for (; offset <= length - 8; offset += 8)
            {
                hash = Round(hash, BinaryPrimitives.ReadUInt64LittleEndian(key[offset..]));
            }

            // The tail re-reads the last 8 bytes; the length in the seed keeps "ab" and "abb"-style overlaps apart.
            if (offset < length)
            {
                hash = Round(hash, BinaryPrimitives.ReadUInt64LittleEndian(key[(length - 8)..]));
            }
        }
        else if (length >= 4)
        {
            ulong low = BinaryPrimitives.ReadUInt32LittleEndian(key);
            ulong high = BinaryPrimitives.ReadUInt32LittleEndian(key[(length - 4)..]);
            hash = Round(hash, low | (high << 32));
        }
        else if (length > 0)
        {
            hash = Round(hash, key[0] | ((ulong)key[length >> 1] << 8) | ((ulong)key[length - 1] << 16));
        }

        // murmur3 fmix64: every input bit reaches the low 32 bits Dictionary uses.
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53UL;
        hash ^= hash >> 33;
        return (int)hash;
    }

    private static ulong Round(ulong hash, ulong input)
        => BitOperations.RotateLeft(hash ^ (input * Prime2), 31) * Prime1;
}
