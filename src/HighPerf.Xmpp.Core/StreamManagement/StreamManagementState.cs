namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// XEP-0198 state of one session, created by &lt;enable/&gt;. Everything but <see cref="Inbound"/> is guarded
/// by the session's outbound lock (the session object itself): deliveries from other event loops count and
/// queue under it, and a resume moves the session onto a new connection under it.
/// </summary>
internal sealed class StreamManagementState(StreamManagementHandler handler, string? resumptionId, TimeSpan resumeTimeout)
{
    public StreamManagementHandler Handler { get; } = handler;

    /// <summary>The id a client resumes with; null when the session is not resumable.</summary>
    public string? ResumptionId { get; } = resumptionId;

    public TimeSpan ResumeTimeout { get; } = resumeTimeout;

    /// <summary>Stanzas from the client handled so far, mod 2^32 (touched only by the loop that reads the session).</summary>
    public uint Inbound;

    /// <summary>Stanzas sent and acknowledged (mod 2^32).</summary>
    public AckCounter Counter;

    public readonly UnackedStanzas Unacked = new();

    public SmLink Link;

    /// <summary>An &lt;r/&gt; went out and its &lt;a/&gt; has not come back.</summary>
    public bool RequestPending;

    /// <summary>A timed &lt;r/&gt; is scheduled.</summary>
    public bool RequestTimerArmed;

    /// <summary>The unacked bound was crossed; the session is being ended.</summary>
    public bool Overflowed;

    /// <summary>The session is ending (timeout, replacement, close): no resume or detach any more.</summary>
    public bool Ending;

    /// <summary>Bumped at each detach and resume, so that a stale timeout does nothing.</summary>
    public int Generation;

    public Timer? DetachTimer;
}
