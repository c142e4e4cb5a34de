namespace HighPerf.Benchmarks.Compression;

internal enum CodecKind
{
    /// <summary>DotNetty.Codecs' managed jzlib port (JZlibEncoder/JZlibDecoder): a sync flush per written buffer.</summary>
    JZlib,

    /// <summary>System.IO.Compression.ZLibStream over the runtime's bundled native zlib(-ng): window 15 and
    /// memLevel 8 fixed, sync flush on Flush(), no full flush.</summary>
    ZLibStream,

    /// <summary>The system libz.so.1 through ZlibDeflater/ZlibInflater, the classes the server's handlers use.</summary>
    LibZ,
}

/// <summary>One codec setting under test; its name is the benchmark parameter shown in the table.</summary>
public sealed record CodecConfig(string Name, int Kind, int Level, int WindowBits, int MemLevel)
{
    internal CodecKind Codec => (CodecKind)Kind;

    /// <summary>The server's setting first: the allocation budget measures each benchmark at its first value.</summary>
    public static IEnumerable<CodecConfig> All =>
    [
        new("libz l6 w12 m5", (int)CodecKind.LibZ, 6, 12, 5),
        new("libz l6 w15 m8", (int)CodecKind.LibZ, 6, 15, 8),
        new("libz l6 w13 m6", (int)CodecKind.LibZ, 6, 13, 6),
        new("libz l1 w12 m5", (int)CodecKind.LibZ, 1, 12, 5),
        new("libz l6 w10 m3", (int)CodecKind.LibZ, 6, 10, 3),
        new("ZLibStream l6", (int)CodecKind.ZLibStream, 6, 15, 8),
        new("JZlib l6 w15 m8", (int)CodecKind.JZlib, 6, 15, 8),
        new("JZlib l6 w12 m5", (int)CodecKind.JZlib, 6, 12, 5),
    ];

    public override string ToString() => Name;
}
