namespace HighPerf.Xmpp.Transport.Compression;

internal enum InflateResult
{
    /// <summary>All input consumed; the output may hold less than its size.</summary>
    NeedsInput,

    /// <summary>The output is full; call again with the remaining input and fresh space.</summary>
    OutputFull,

    /// <summary>The peer ended its zlib stream; whatever follows is not compressed data of this stream.</summary>
    StreamEnd,

    /// <summary>Not zlib data (or a preset dictionary, which XEP-0138 does not use).</summary>
    Corrupt,
}
