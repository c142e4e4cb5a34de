using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Xmpp.Core.Tests.Collections;

public class Utf8KeyComparerTests
{
    [Fact]
    public void Equal_content_is_equal_with_equal_hashes()
    {
        var comparer = Utf8KeyComparer.Instance;
        byte[] a = [.. "juliet@example.com"u8];
        byte[] b = [.. "juliet@example.com"u8];
        Assert.True(comparer.Equals(a, b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode("juliet@example.com"u8));
        Assert.True(comparer.Equals("juliet@example.com"u8, a));
        Assert.False(comparer.Equals("juliet@example.co"u8, a));
        Assert.False(comparer.Equals(a, null));
        Assert.True(comparer.Equals(null, null));
    }

    [Fact]
    public void Every_length_up_to_40_hashes_consistently_and_differs_from_neighbours()
    {
        var bytes = Enumerable.Range(0, 40).Select(i => (byte)('a' + (i % 26))).ToArray();
        var seen = new HashSet<int>();
        for (var length = 0; length <= bytes.Length; length++)
        {
            var key = bytes[..length];
            Assert.Equal(Utf8KeyComparer.Hash(key), Utf8KeyComparer.Hash(key.ToArray()));
            Assert.True(seen.Add(Utf8KeyComparer.Hash(key)), $"length {length} collides with a shorter prefix");
        }
    }

    [Fact]
    public void A_flipped_byte_changes_the_hash()
    {
        var key = "romeo@example.net/orchard"u8.ToArray();
        var original = Utf8KeyComparer.Hash(key);
        for (var i = 0; i < key.Length; i++)
        {
            key[i] ^= 1;
            Assert.NotEqual(original, Utf8KeyComparer.Hash(key));
            key[i] ^= 1;
        }
    }

    [Fact]
    public void Low_bits_spread_over_similar_keys()
    {
        // Dictionary buckets by hash modulo a prime near the count: similar JIDs must not pile up.
        const int count = 10_000;
        var buckets = new int[10_007];
        for (var i = 0; i < count; i++)
        {
            var key = Encoding.UTF8.GetBytes($"user{i}@example.com/resource");
            buckets[(uint)Utf8KeyComparer.Hash(key) % buckets.Length]++;
        }

        Assert.True(buckets.Max() <= 8, $"a bucket holds {buckets.Max()} keys");
    }

    [Fact]
    public void Dictionary_alternate_lookup_finds_and_adds_by_span()
    {
        var table = new Dictionary<byte[], int>(Utf8KeyComparer.Instance);
        var lookup = table.GetAlternateLookup<ReadOnlySpan<byte>>();
        Assert.True(lookup.TryAdd("a@b/c"u8, 1));
        Assert.False(lookup.TryAdd("a@b/c"u8, 2));
        Assert.True(lookup.TryGetValue("a@b/c"u8, out var value));
        Assert.Equal(1, value);
        Assert.True(table.ContainsKey([.. "a@b/c"u8]));
        Assert.True(lookup.Remove("a@b/c"u8));
        Assert.Empty(table);
    }

    [Fact]
    public void Concurrent_dictionary_alternate_lookup_works()
    {
        var table = new ConcurrentDictionary<byte[], string>(new Utf8KeyComparer());
        table[[.. "x@y"u8]] = "found";
        var lookup = table.GetAlternateLookup<ReadOnlySpan<byte>>();
        Assert.True(lookup.TryGetValue("x@y"u8, out var value));
        Assert.Equal("found", value);
    }

    [Fact]
    public void Span_lookup_allocates_nothing()
    {
        var table = new Dictionary<byte[], int>(Utf8KeyComparer.Instance);
        for (var i = 0; i < 1000; i++)
        {
            table.Add(Encoding.UTF8.GetBytes($"user{i}@example.com/phone"), i);
        }

        var lookup = table.GetAlternateLookup<ReadOnlySpan<byte>>();
        var probe = "user500@example.com/phone"u8.ToArray();
        lookup.TryGetValue(probe, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        for (var i = 0; i < 10_000; i++)
        {
            found += lookup.TryGetValue(probe, out var v) ? v : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(500 * 10_000, found);
    }
}
