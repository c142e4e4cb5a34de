namespace HighPerf.Xmpp.Xml.Tokenizer;

internal enum ScanResult : byte
{
    /// <summary>State changed; keep going.</summary>
    Continue,

    /// <summary>The unit's bytes so far end inside it; the position and state are saved.</summary>
    NeedMore,

    /// <summary>The unit ends at the saved position.</summary>
    Complete,

    /// <summary>The error is recorded in the tokenizer.</summary>
    Error,
}
