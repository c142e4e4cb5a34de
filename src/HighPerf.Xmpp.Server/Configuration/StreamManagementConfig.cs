namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.sm: XEP-0198 stream management (the "sm" module, on by default).</summary>
public sealed class StreamManagementConfig
{
    /// <summary>Seconds a resumable session whose connection dropped keeps its resource, presence and unacked
    /// stanzas (advertised as 'max'); then its unacked messages go to offline storage. 0: no resumption.</summary>
    public int ResumptionTimeoutSeconds { get; set; } = 300;

    /// <summary>Bytes of unacknowledged stanzas a session holds before it acts: an attached session that does not
    /// ack within ackGraceSeconds (or holds 64 times this) ends, its unacked messages to offline storage; a
    /// detached one moves its oldest messages queued since the drop to offline storage and stays resumable.</summary>
    public int MaxUnackedBytes { get; set; } = 256 * 1024;

    /// <summary>The server sends &lt;r/&gt; once this many stanzas are unacknowledged…</summary>
    public int RequestAfterStanzas { get; set; } = 5;

    /// <summary>…or once one has waited this many seconds (0: no timed requests).</summary>
    public int RequestAfterSeconds { get; set; } = 30;

    /// <summary>Seconds an attached session over maxUnackedBytes has to acknowledge something.</summary>
    public int AckGraceSeconds { get; set; } = 30;
}
