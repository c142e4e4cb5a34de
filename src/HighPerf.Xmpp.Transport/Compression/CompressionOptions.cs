namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// XEP-0138 zlib settings for the listeners that offer compression. The defaults come from
/// perf/HighPerf.Benchmarks/Compression (README there): a 4 KiB deflate window keeps about 77 KiB per session against
/// about 300 KiB at zlib's defaults, for about 29% more output on chat traffic, whose redundancy is mostly in the
/// last few stanzas (names, namespaces, JIDs).
/// </summary>
public sealed record CompressionOptions
{
    /// <summary>zlib level 1..9.</summary>
    public int Level { get; init; } = 6;

    /// <summary>Deflate window as a power of two (9..15): memory is 2^(w+2) bytes for window and chains.</summary>
    public int WindowBits { get; init; } = 12;

    /// <summary>Deflate hash memory (1..9): 2^(m+9) bytes for the hash table and the pending buffer.</summary>
    public int MemLevel { get; init; } = 5;

    /// <summary>Size of the pooled buffers inflated data is handed to the XML decoder in: the most one step holds.</summary>
    public int InflateChunkBytes { get; init; } = 16 * 1024;

    /// <summary>Size of the pooled buffers compressed output is written in.</summary>
    public int DeflateChunkBytes { get; init; } = 8 * 1024;

    /// <summary>
    /// Decompression-bomb guard: one compressed read may inflate to at most this many times its size (or the
    /// stanza limit, if larger) before the connection is closed with policy-violation. Deflate reaches about
    /// 1000:1 on repeated bytes; XMPP traffic compresses 3–10:1.
    /// </summary>
    public int MaxInflateRatio { get; init; } = 64;

    public static CompressionOptions Default { get; } = new();

    /// <summary>The most one compressed read of <paramref name="compressedBytes"/> may inflate to.</summary>
    public long InflateLimit(int compressedBytes, int maxStanzaBytes) => Math.Max(maxStanzaBytes, (long)compressedBytes * MaxInflateRatio);
}
