using System.Diagnostics.CodeAnalysis;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// One server-to-server stream (RFC 6120), either the one a peer opened to us (receiving: we offer STARTTLS, SASL
/// EXTERNAL and dialback, answer db:verify, and accept stanzas for the domain pairs it authenticated) or one we
/// opened for an <see cref="OutboundLink"/> (initiating: STARTTLS, then SASL EXTERNAL or dialback, then stanzas).
/// It reuses the c2s tokenizer, wire tokens and transport contract. Everything runs on the connection's event loop.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The tokenizer's pooled buffers are returned when the stream closes (OnTransportClosed).")]
public sealed partial class S2sSession
{
    private readonly XmppServer _server;
    private readonly Federation _federation;
    private readonly IServerStreamTransport _transport;
    private readonly OutboundLink? _link;
    private readonly XmlStreamTokenizer _tokenizer;
    private S2sStage _stage;
    private bool _headerSent;
    private bool _feeding;
    private bool _tlsPending;
    private bool _tlsClientPending;
    private bool _restartPending;
    private byte[]? _localDomain;
    private byte[]? _remoteDomain;
    private byte[] _streamId = [];
    private long _lastActivity = Environment.TickCount64;
    private int _ended;

    /// <summary>A stream a peer opened to us.</summary>
    public S2sSession(Federation federation, IServerStreamTransport transport)
    {
        _federation = federation;
        _server = federation.Server;
        _transport = transport;
        _tokenizer = new XmlStreamTokenizer(_server.Options.XmlLimits);
    }

    /// <summary>A stream we open for <paramref name="link"/> (call <see cref="Start"/> once connected).</summary>
    public S2sSession(Federation federation, IServerStreamTransport transport, OutboundLink link)
        : this(federation, transport)
    {
        _link = link;
        _localDomain = link.LocalDomain;
        _remoteDomain = link.RemoteDomain;
    }

    public IServerStreamTransport Transport => _transport;

    public bool IsOutbound => _link is not null;

    public S2sStage Stage => _stage;

    /// <summary>"EXTERNAL" or "dialback" once an outbound stream authenticated; for logs.</summary>
    public string AuthenticatedBy { get; private set; } = "-";

    /// <summary>Why the stream closed (a stream error's name, "stream-closed", "idle"…), for the connection's log line.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Our domain of this stream once known (the header's 'to' on a receiving stream), for the TLS certificate.</summary>
    public string? LocalName => _localDomain is null ? null : Encoding.UTF8.GetString(_localDomain);

    /// <summary>The peer's domain once known (its header 'from', or the link's remote domain), for logs.</summary>
    public string PeerName => _remoteDomain is null ? "?" : Encoding.UTF8.GetString(_remoteDomain);

    /// <summary>Feeds bytes read from the connection; returns how many were consumed (fewer only at a TLS switch).</summary>
    public int ProcessInput(ReadOnlySpan<byte> input)
    {
        _feeding = true;
        try
        {
            var offset = 0;
            while (offset < input.Length && _stage != S2sStage.Closed)
            {
                var sink = new StreamSink(this);
                var error = _tokenizer.Feed(input[offset..], ref sink, out var consumed);
                offset += consumed;
                if (error != XmlStreamError.None)
                {
                    CloseWithStreamError(StreamErrors.FromTokenizer(error));
                    return input.Length;
                }

                if (_tlsPending || _tlsClientPending)
                {
                    var client = _tlsClientPending;
                    _tlsPending = _tlsClientPending = false;
                    RestartStream();
                    if (client)
                    {
                        _transport.StartTlsClient(Encoding.UTF8.GetString(_localDomain!), Encoding.UTF8.GetString(_remoteDomain!));
                    }
                    else
                    {
                        _transport.StartTls();
                    }

                    return offset;
                }

                if (_restartPending)
                {
                    _restartPending = false;
                    RestartStream();
                    if (IsOutbound)
                    {
                        SendHeader(default);
                    }
                }
            }

            return _stage == S2sStage.Closed ? input.Length : offset;
        }
        finally
        {
            _feeding = false;
            if (_stage == S2sStage.Closed)
            {
                _tokenizer.Dispose();
            }
        }
    }

    /// <summary>Outbound: the TCP connection is up; opens the stream.</summary>
    public void Start()
    {
        SendHeader(default);
        ScheduleIdleCheck();
    }

    /// <summary>Receiving side: the connection was accepted. One that authenticates no domain pair within the c2s
    /// authentication timeout is closed (a stream used only for db:verify is done well before).</summary>
    public void OnAccepted()
    {
        ScheduleIdleCheck();
        var timeout = _server.Options.AuthenticationTimeout;
        if (timeout > TimeSpan.Zero)
        {
            _transport.Schedule(timeout, static state =>
            {
                var stream = (S2sSession)state!;
                if (stream._pairs is null && stream._stage != S2sStage.Closed)
                {
                    stream.CloseWithStreamError(StreamErrorCondition.ConnectionTimeout);
                }
            }, this);
        }
    }

    /// <summary>The TLS handshake we started as the client finished: the stream restarts over TLS (RFC 6120 §5.4.3.3).</summary>
    public void OnTlsClientEstablished()
    {
        if (_stage != S2sStage.Closed && IsOutbound)
        {
            SendHeader(default);
        }
    }

    /// <summary>Thread-safe: records outbound traffic for the idle timeout (a tick read, no allocation).</summary>
    public void TouchOutbound() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    /// <summary>Called by the transport once the connection is closed.</summary>
    public void OnTransportClosed()
    {
        var wasOpen = _stage != S2sStage.Closed;
        _stage = S2sStage.Closed;
        if (!_feeding)
        {
            _tokenizer.Dispose();
        }

        CloseReason ??= wasOpen ? "peer-closed" : null;
        End(CloseReason ?? "closed");
    }

    /// <summary>Closes with a stream error (RFC 6120 §4.9), our header first if it has not gone out yet.</summary>
    public void CloseWithStreamError(StreamErrorCondition condition)
    {
        if (_stage == S2sStage.Closed)
        {
            return;
        }

        CloseReason = StreamErrors.Name(condition);
        FederationLog.StreamError(_federation.Logger, CloseReason, IsOutbound ? "outbound" : "inbound", _transport.RemoteAddress);
        _server.Metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("condition", CloseReason));
        if (_headerSent)
        {
            _transport.EnqueueAndClose(new OutboundParts(StreamErrors.Get(condition)));
        }
        else
        {
            var writer = ScratchWriter.Rent();
            WriteHeader(writer, default);
            writer.Write(StreamErrors.Get(condition));
            _transport.EnqueueAndClose(new OutboundParts(writer.WrittenSpan));
        }

        _stage = S2sStage.Closed;
        End(CloseReason);
    }

    /// <summary>Ends the stream cleanly with our closing tag (idle timeout, shutdown).</summary>
    public void CloseGracefully(string reason)
    {
        if (_stage == S2sStage.Closed)
        {
            return;
        }

        CloseReason = reason;
        _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.StreamClose));
        _stage = S2sStage.Closed;
        End(reason);
    }

    private void RestartStream()
    {
        _tokenizer.Reset();
        _headerSent = false;
        _stage = S2sStage.AwaitingHeader;
    }

    private void Send(ReadOnlySpan<byte> bytes) => _transport.Enqueue(new OutboundParts(bytes));

    private void End(string reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        if (_link is not null)
        {
            FailVerifications();
            _link.OnStreamEnded(this, reason);
        }
        else
        {
            ReleaseInboundPairs();
        }
    }

    private void ScheduleIdleCheck()
    {
        var idle = _federation.Options.IdleTimeout;
        if (idle > TimeSpan.Zero)
        {
            _transport.Schedule(idle, static state => ((S2sSession)state!).CheckIdle(), this);
        }
    }

    private void CheckIdle()
    {
        if (_stage == S2sStage.Closed)
        {
            return;
        }

        var idle = (long)_federation.Options.IdleTimeout.TotalMilliseconds;
        var quiet = Environment.TickCount64 - Volatile.Read(ref _lastActivity);
        if (quiet >= idle)
        {
            CloseGracefully("idle");
            return;
        }

        _transport.Schedule(TimeSpan.FromMilliseconds(idle - quiet), static state => ((S2sSession)state!).CheckIdle(), this);
    }

    /// <summary>The tokenizer's callbacks, forwarded directly (a struct sink: no interface dispatch).</summary>
    private readonly struct StreamSink(S2sSession stream) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => stream.OnStreamOpen(header);

        public bool OnElement(in XmlElement element) => stream.OnElement(element);

        public bool OnStreamClose() => stream.OnStreamClose();
    }
}
