namespace HighPerf.Xmpp.Transport.Compression;

internal enum SenderKind
{
    /// <summary>Not a start tag (whitespace, an end tag): no sender of its own.</summary>
    None,

    /// <summary>A start tag whose 'from' (possibly absent) was read.</summary>
    Sender,

    /// <summary>A start tag that could not be read within the bytes examined.</summary>
    Unknown,
}
