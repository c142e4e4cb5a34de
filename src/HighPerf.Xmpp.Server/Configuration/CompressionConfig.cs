namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>
/// modules.compression: XEP-0138 zlib, for closed deployments only (shared compression leaks secrets through
/// lengths; see the README). Needs the "compression" module in modules.enabled and at least one listener here.
/// </summary>
public sealed class CompressionConfig
{
    /// <summary>Listener addresses, exactly as written under listeners.client or listeners.clientDirectTls, that
    /// offer compression.</summary>
    public List<string> Listeners { get; set; } = [];

    /// <summary>zlib level 1..9.</summary>
    public int Level { get; set; } = 6;

    /// <summary>Deflate window, 2^windowBits bytes (9..15).</summary>
    public int WindowBits { get; set; } = 12;

    /// <summary>Deflate hash memory level (1..9).</summary>
    public int MemLevel { get; set; } = 5;

    /// <summary>One compressed read may inflate to at most this many times its size (or the stanza limit).</summary>
    public int MaxInflateRatio { get; set; } = 64;
}
