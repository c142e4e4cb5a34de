namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// A compressed client stream that an inflater can be fed again and again: the zlib header comes once
/// (<c>Prefix</c>), and the repeated <c>Unit</c> (the stanzas in batches, a sync flush after each) starts right
/// after a full flush and ends with one, so it never refers to bytes before it. Made with libz at the settings
/// clients use (level 6, window 15, memLevel 8), so every decoder decodes the same bytes.
/// </summary>
internal static class ReplayStream
{
    public static readonly CodecConfig ClientSettings = new("client: libz l6 w15 m8", (int)CodecKind.LibZ, 6, 15, 8);

    public static (byte[] Prefix, byte[] Unit) Create(int stanzasPerFlush)
    {
        using var deflater = DeflateUnderTest.Create(ClientSettings);
        deflater.Flush(full: true);
        var prefix = deflater.Output.ToArray();
        deflater.ResetOutput();
        WriteBatches(deflater, stanzasPerFlush);
        deflater.Flush(full: true);
        return (prefix, deflater.Output.ToArray());
    }

    /// <summary>Writes every stanza as its own buffer, ending each batch of <paramref name="stanzasPerFlush"/> with
    /// a sync flush, as the connection's drain does.</summary>
    public static void WriteBatches(DeflateUnderTest deflater, int stanzasPerFlush, int count = CompressionData.StanzaCount)
    {
        var stanzas = CompressionData.Stanzas;
        for (var i = 0; i < count; i++)
        {
            deflater.Write(stanzas[i]);
            if ((i + 1) % stanzasPerFlush == 0 || i == count - 1)
            {
                deflater.Flush();
            }
        }
    }
}
