namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>The derived property of a code point (RFC 8264 §8), as stored in <see cref="PrecisTables"/>.</summary>
internal enum PrecisProperty : byte
{
    /// <summary>Valid in both string classes.</summary>
    Pvalid = 0,

    /// <summary>Valid in FreeformClass only (ID_DIS / FREE_PVAL): spaces, symbols, punctuation, compatibility forms.</summary>
    FreeformOnly = 1,

    /// <summary>Joiners (ZWJ, ZWNJ): valid only in context (RFC 5892 A.1, A.2).</summary>
    ContextJ = 2,

    /// <summary>Valid only in context (RFC 5892 A.3–A.9): middle dot, keraia, geresh, katakana middle dot, Arabic-Indic digits.</summary>
    ContextO = 3,

    Disallowed = 4,
    Unassigned = 5,
}
