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

    /// <summary>The unacked bound was crossed while attached and not answered by an ack; the session is being ended.</summary>
    public bool Overflowed;

    /// <summary>An attached session is over the bound and a check whether it acked within the grace is scheduled.</summary>
    public bool BoundCheckArmed;

    /// <summary>The client's ack count when that check was armed: the check passes if it moved.</summary>
    public uint AckedAtBoundCheck;

    /// <summary>Stanzas held when the connection dropped. They may have reached the client (its 'h' on resume
    /// tells), so a spill never takes them: only stanzas queued since, which the client cannot have seen.</summary>
    public int KeptAtDetach;

    /// <summary>A spill of the oldest stanzas queued while detached is scheduled.</summary>
    public bool SpillScheduled;

    /// <summary>What spills gave up since the last detach, told to the modules at resume.</summary>
    public Modules.ResumeGap Gap;

    /// <summary>The session is ending (timeout, replacement, close): no resume or detach any more.</summary>
    public bool Ending;

    /// <summary>Bumped at each detach and resume, so that a stale timeout does nothing.</summary>
    public int Generation;

    public Timer? DetachTimer;
}
