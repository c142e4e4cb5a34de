namespace HighPerf.Xmpp.Http.Framing;

/// <summary>What one standalone outbound unit is.</summary>
internal enum FrameKind : byte
{
    /// <summary>The server's stream header, as an RFC 7395 &lt;open/&gt;.</summary>
    Open,

    /// <summary>A top-level element (stanza, features, SASL, stream error) with its namespace declarations.</summary>
    Element,

    /// <summary>The server's &lt;/stream:stream&gt;, as an RFC 7395 &lt;close/&gt;.</summary>
    Close,
}
