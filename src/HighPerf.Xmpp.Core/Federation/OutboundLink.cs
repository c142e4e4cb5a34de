using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// Our side of one domain pair (local domain → remote domain): the outbound stream that carries stanzas there,
/// set up on demand. While it is set up, stanzas wait in order in a bounded queue; once the stream is
/// authenticated they are flushed in order and later ones go straight into the connection's outbound queue (one
/// copy, pooled chunks). If setup fails, every waiting stanza is bounced to its sender. Thread-safe.
/// </summary>
public sealed class OutboundLink
{
    private readonly Federation _federation;
    private readonly Lock _gate = new();
    private readonly List<byte[]> _pending = [];
    private readonly List<PendingVerification> _verifications = [];
    private int _pendingBytes;
    private LinkState _state;
    private S2sSession? _stream;
    private long _attempt;

    internal OutboundLink(Federation federation, byte[] localDomain, byte[] remoteDomain)
    {
        _federation = federation;
        LocalDomain = localDomain;
        RemoteDomain = remoteDomain;
        LocalName = Encoding.UTF8.GetString(localDomain);
        RemoteName = Encoding.UTF8.GetString(remoteDomain);
    }

    public byte[] LocalDomain { get; }

    public byte[] RemoteDomain { get; }

    public string LocalName { get; }

    public string RemoteName { get; }

    public Federation Federation => _federation;

    /// <summary>How the current stream authenticated ("EXTERNAL" or "dialback"); "-" while not ready.</summary>
    public string AuthenticatedBy { get; private set; } = "-";

    public LinkState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Bytes of stanzas waiting for the connection.</summary>
    public int PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _pendingBytes;
            }
        }
    }

    /// <summary>
    /// Queues one stanza (our server already stamped its 'from'). False when the link's queue is full: the caller
    /// bounces it with resource-constraint.
    /// </summary>
    public bool Send(scoped in OutboundParts parts)
    {
        long attempt;
        lock (_gate)
        {
            if (_state == LinkState.Ready && _pending.Count == 0 && _stream is { } stream)
            {
                if (stream.Transport.Enqueue(parts))
                {
                    stream.TouchOutbound();
                    return true;
                }

                // The connection is closing under us: keep the stanza for the next one.
                _state = LinkState.Idle;
                _stream = null;
            }

            if (_pendingBytes + parts.Length > _federation.Options.QueueBytesPerDomain)
            {
                return false;
            }

            var copy = new byte[parts.Length];
            parts.CopyTo(copy);
            _pending.Add(copy);
            _pendingBytes += copy.Length;
            if (_state != LinkState.Idle)
            {
                return true;
            }

            attempt = BeginAttemptLocked();
        }

        StartConnect(attempt);
        return true;
    }

    /// <summary>
    /// XEP-0220 §2.1.2: asks the authoritative server of the remote domain whether <paramref name="key"/> is the key
    /// it issued for <paramref name="streamId"/>. <paramref name="onResult"/> runs once with true (valid) or false
    /// (invalid, or the server could not be reached), on the outbound connection's loop or a timer thread.
    /// </summary>
    public void Verify(byte[] streamId, byte[] key, Action<bool> onResult)
    {
        var verification = new PendingVerification(streamId, key, onResult);
        long attempt = 0;
        var start = false;
        lock (_gate)
        {
            if (_stream is { CanVerify: true } stream)
            {
                stream.SendVerify(verification);
                return;
            }

            _verifications.Add(verification);
            if (_state == LinkState.Idle)
            {
                attempt = BeginAttemptLocked();
                start = true;
            }
        }

        if (start)
        {
            StartConnect(attempt);
        }
    }

    /// <summary>The transport connected: this stream now negotiates for the link.</summary>
    public bool Attach(S2sSession stream, long attempt)
    {
        lock (_gate)
        {
            if (attempt != _attempt || _state != LinkState.Connecting)
            {
                return false;
            }

            _stream = stream;
            return true;
        }
    }

    /// <summary>The stream reached the point where db:verify may be sent (TLS done, features read).</summary>
    internal void OnStreamUsable(S2sSession stream)
    {
        PendingVerification[] due;
        lock (_gate)
        {
            if (_stream != stream || _verifications.Count == 0)
            {
                return;
            }

            due = [.. _verifications];
            _verifications.Clear();
        }

        foreach (var verification in due)
        {
            stream.SendVerify(verification);
        }
    }

    /// <summary>The stream is authenticated for the pair: waiting stanzas go out in order, then new ones directly.</summary>
    internal void OnAuthenticated(S2sSession stream)
    {
        lock (_gate)
        {
            if (_stream != stream)
            {
                return;
            }

            foreach (var stanza in _pending)
            {
                stream.Transport.Enqueue(new OutboundParts(stanza));
            }

            _pending.Clear();
            _pendingBytes = 0;
            _state = LinkState.Ready;
            AuthenticatedBy = stream.AuthenticatedBy;
        }

        stream.TouchOutbound();
        FederationLog.LinkReady(_federation.Logger, LocalName, RemoteName, stream.AuthenticatedBy);
    }

    /// <summary>
    /// Transport: bytes this link's connection had taken but not written to its socket when it closed (still queued,
    /// or in writes that failed). Every stanza among them bounces with remote-server-timeout, as for a connection
    /// that fails after the peer answered (RFC 6120 §8.3.3.16); what was written is not knowable without
    /// acknowledgements (see the README's Federation section).
    /// </summary>
    public void BounceUnwritten(ReadOnlySpan<byte> units)
    {
        var count = _federation.Bouncer.BounceUnits(units, StanzaErrorCondition.RemoteServerTimeout);
        if (count > 0)
        {
            FederationLog.UnwrittenBounced(_federation.Logger, LocalName, RemoteName, count);
        }
    }

    /// <summary>Resolution or TCP connect failed for <paramref name="attempt"/>.</summary>
    public void OnConnectFailed(long attempt, string reason)
        => Fail(null, attempt, StanzaErrorCondition.RemoteServerNotFound, reason);

    /// <summary>The stream ended (closed, refused authentication, or failed); <paramref name="reason"/> for the log.</summary>
    internal void OnStreamEnded(S2sSession stream, string reason)
        => Fail(stream, attempt: -1, StanzaErrorCondition.RemoteServerNotFound, reason);

    private void OnTimeout(long attempt)
    {
        S2sSession? stream;
        lock (_gate)
        {
            if (attempt != _attempt || _state != LinkState.Connecting)
            {
                return;
            }

            stream = _stream;
        }

        Fail(null, attempt, StanzaErrorCondition.RemoteServerTimeout, "timed out");
        stream?.Transport.EnqueueAndClose(new OutboundParts(StreamErrors.Get(StreamErrorCondition.ConnectionTimeout)));
    }

    private void Fail(S2sSession? stream, long attempt, StanzaErrorCondition condition, string reason)
    {
        byte[][] bounced;
        PendingVerification[] verifications;
        lock (_gate)
        {
            var current = stream is not null ? _stream == stream : attempt == _attempt;
            if (!current || _state == LinkState.Idle)
            {
                return;
            }

            var wasReady = _state == LinkState.Ready;
            _state = LinkState.Idle;
            AuthenticatedBy = "-";
            _stream = null;
            bounced = [.. _pending];
            _pending.Clear();
            _pendingBytes = 0;
            verifications = [.. _verifications];
            _verifications.Clear();
            if (wasReady)
            {
                FederationLog.LinkClosed(_federation.Logger, LocalName, RemoteName, reason);
            }
            else
            {
                FederationLog.LinkFailed(_federation.Logger, LocalName, RemoteName, reason, bounced.Length);
            }
        }

        foreach (var verification in verifications)
        {
            verification.Complete(false);
        }

        foreach (var stanza in bounced)
        {
            _federation.Bouncer.Bounce(stanza, condition);
        }
    }

    private long BeginAttemptLocked()
    {
        _state = LinkState.Connecting;
        _stream = null;
        return ++_attempt;
    }

    private void StartConnect(long attempt)
    {
        var timeout = _federation.Options.ConnectTimeout;
        _ = Task.Delay(timeout).ContinueWith(static (_, state) =>
        {
            var (link, attempt) = ((OutboundLink, long))state!;
            link.OnTimeout(attempt);
        }, (this, attempt), TaskScheduler.Default);
        try
        {
            _federation.Connector.Connect(this, attempt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OnConnectFailed(attempt, ex.Message);
        }
    }
}
