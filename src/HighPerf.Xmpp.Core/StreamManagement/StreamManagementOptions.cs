namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>XEP-0198 settings (the host binds them from modules.streamManagement).</summary>
public sealed record StreamManagementOptions
{
    /// <summary>How long a resumable session whose connection dropped keeps its resource, presence and
    /// unacknowledged stanzas (advertised as 'max' in &lt;enabled/&gt;). Zero: sessions are not resumable.</summary>
    public TimeSpan ResumptionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes of unacknowledged outbound stanzas one session may hold; beyond it the session ends and
    /// its unacknowledged messages go to offline storage (a client that never acks cannot grow the server).</summary>
    public int MaxUnackedBytes { get; init; } = 256 * 1024;

    /// <summary>The server asks for an ack (&lt;r/&gt;) once this many stanzas are unacknowledged.</summary>
    public int RequestAfterStanzas { get; init; } = 5;

    /// <summary>...or once a stanza has been unacknowledged this long (zero: no timed requests).</summary>
    public TimeSpan RequestAfter { get; init; } = TimeSpan.FromSeconds(30);
}
