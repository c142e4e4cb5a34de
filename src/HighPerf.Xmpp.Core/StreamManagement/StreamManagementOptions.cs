namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>XEP-0198 settings (the host binds them from modules.streamManagement).</summary>
public sealed record StreamManagementOptions
{
    /// <summary>How long a resumable session whose connection dropped keeps its resource, presence and
    /// unacknowledged stanzas (advertised as 'max' in &lt;enabled/&gt;). Zero: sessions are not resumable.</summary>
    public TimeSpan ResumptionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes of unacknowledged outbound stanzas a session holds before it acts. An attached session asks for
    /// an ack at once and is ended (its unacknowledged messages to offline storage) only if no ack comes within
    /// <see cref="AckGrace"/>, or at once beyond 64 times the bound: a burst (offline messages at login) is not a
    /// client that never acks. A detached one moves the oldest stanzas queued since the drop to offline storage,
    /// down to half the bound, and stays resumable.</summary>
    public int MaxUnackedBytes { get; init; } = 256 * 1024;

    /// <summary>The server asks for an ack (&lt;r/&gt;) once this many stanzas are unacknowledged.</summary>
    public int RequestAfterStanzas { get; init; } = 5;

    /// <summary>...or once a stanza has been unacknowledged this long (zero: no timed requests).</summary>
    public TimeSpan RequestAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an attached session over <see cref="MaxUnackedBytes"/> has to acknowledge something.</summary>
    public TimeSpan AckGrace { get; init; } = TimeSpan.FromSeconds(30);
}
