using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// What a session needs from the connection under it. The core never sees a socket or a DotNetty type
/// (Kestrel's transport/core split): the transport implements this per connection.
/// </summary>
public interface ISessionTransport
{
    /// <summary>
    /// Thread-safe. Queues the bytes as one unit for the peer; the connection's own event loop drains its
    /// queue and flushes once per drain. Returns false when the connection is closed or its outbound bound is
    /// exceeded (the transport then closes it with a policy-violation stream error itself).
    /// </summary>
    bool Enqueue(scoped in OutboundParts parts);

    /// <summary>Thread-safe. Queues final bytes (e.g. a stream error) and closes once they are flushed.</summary>
    void EnqueueAndClose(scoped in OutboundParts finalBytes);

    /// <summary>Session loop only. Starts TLS on the connection once the queued &lt;proceed/&gt; is flushed;
    /// bytes after &lt;starttls/&gt; in the current read go to the TLS layer.</summary>
    void StartTls();

    /// <summary>Session loop only. Starts zlib compression once the queued &lt;compressed/&gt; is flushed.</summary>
    void StartCompression();

    /// <summary>True once TLS is established (STARTTLS done or a direct-TLS listener).</summary>
    bool IsSecure { get; }

    /// <summary>True when the transport can offer STARTTLS (a certificate is configured and TLS is not on yet).</summary>
    bool CanStartTls { get; }

    bool IsCompressed { get; }

    /// <summary>True when this connection's listener offers XEP-0138 compression and it is not on yet.</summary>
    bool CanCompress => false;

    /// <summary>The peer's address for logs and per-address limits (e.g. "127.0.0.1").</summary>
    string RemoteAddress { get; }

    /// <summary>Thread-safe. Runs <paramref name="work"/> on the connection's event loop after <paramref name="delay"/>
    /// (zero: as soon as possible). For rare events only (timeouts, delayed auth failures): it may allocate.</summary>
    void Schedule(TimeSpan delay, Action<object?> work, object? state);

    /// <summary>Session loop only. SASL succeeded: a timer the transport keeps for unauthenticated connections can go
    /// (an authenticated idle session should hold no scheduled task).</summary>
    void OnAuthenticated()
    {
    }

    /// <summary>
    /// Thread-safe. Runs <paramref name="work"/> on the connection's event loop soon, also after the connection
    /// closed (the session may still have stanzas to route). Transports implement it without allocating per call;
    /// this default goes through <see cref="Schedule"/>.
    /// </summary>
    void Post(ILoopWork work) => Schedule(TimeSpan.Zero, static state => ((ILoopWork)state!).RunOnLoop(), work);

    /// <summary>
    /// Thread-safe. XEP-0198: the session was resumed on another connection. Returns once this connection will
    /// never call into the session again (a read in progress finishes first), then closes without a word.
    /// </summary>
    void Abandon()
    {
    }

    /// <summary>Session loop only. XEP-0198 resume: from now on this connection's input goes to
    /// <paramref name="session"/> (the resumed one) instead of the session it was created with.</summary>
    void AdoptSession(XmppSession session)
    {
    }
}
