namespace HighPerf.Xmpp.Core.Addressing;

/// <summary>
/// Why a JID (or one of its parts) was rejected. Every value other than <see cref="None"/> maps to the
/// <c>jid-malformed</c> stanza error; the distinction is for logs and tests.
/// </summary>
public enum JidError : byte
{
    None,

    /// <summary>Empty part, forbidden code point, invalid UTF-8, bad IP literal, PRECIS or IDNA rule broken.</summary>
    Malformed,

    /// <summary>A part is longer than <see cref="JidNormalizer.MaxPartBytes"/> bytes after normalization (or the input is absurdly long).</summary>
    TooLong,

    /// <summary>The JID is valid but does not fit in the destination; <see cref="JidNormalizer.MaxJidBytes"/> always suffices.</summary>
    DestinationTooSmall,
}
