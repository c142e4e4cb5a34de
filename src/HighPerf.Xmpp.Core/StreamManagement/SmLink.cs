namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>Where a stream-managed session's outbound stanzas go.</summary>
internal enum SmLink : byte
{
    /// <summary>To its connection (and into the unacked queue).</summary>
    Attached,

    /// <summary>The connection dropped; the session waits for a resume: stanzas only go into the unacked queue.</summary>
    Detached,

    /// <summary>The session ended; a stanza that still reaches it is re-routed (nothing is lost).</summary>
    Closed,
}
