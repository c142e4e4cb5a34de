using System.Diagnostics;
using System.Net;
using System.Text;
using DotNetty.Buffers;
using DotNetty.Common.Concurrency;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Transport.Compression;
using HighPerf.Xmpp.Transport.Hosting;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The last handler of a c2s pipeline and the session's view of its connection: it feeds inbound bytes to
/// the <see cref="XmppSession"/> and owns the outbound queue that any thread may append to. Handler methods
/// stay public overrides: DotNetty decides which to call by reflecting over them (IsSkippable).
/// </summary>
internal sealed partial class XmppConnection : ChannelHandlerAdapter, ISessionTransport, IRunnable
{
    private readonly XmppServer _server;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly bool _directTls;
    private readonly ListenerInfo _listener;
    private readonly ConnectionSet _connections;
    private readonly XmppMetrics _metrics;
    private IChannelHandlerContext _ctx = null!;
    private XmppSession _session = null!;
    private OutboundQueue _queue = null!;
    private IByteBuffer[] _taken = new IByteBuffer[4];
    private bool[]? _takenNewSender;
    private ZlibInflateHandler? _inflater;
    private ZlibDeflateHandler? _deflater;
    private IScheduledTask? _authTimer;
    private string _remote = "?";
    private bool _secure;
    private bool _tlsRequested;
    private bool _compressionRequested;
    private bool _compressed;
    private volatile bool _closeAfterDrain;
    private bool _closing;
    private bool _refused;
    private long _openedAt;
    private string? _closeReason;
    private readonly Lock _sessionGate = new();
    private bool _abandoned;
    private LoopWorkRunnable? _posted;

    public XmppConnection(XmppServer server, TransportOptions options, ILogger logger, ListenerInfo listener, ConnectionSet connections)
    {
        _connections = connections;
        _server = server;
        _metrics = server.Metrics;
        _options = options;
        _logger = logger;
        _listener = listener;
        _directTls = listener.DirectTls;
        _secure = _directTls;
    }

    public bool IsSecure => _secure;

    public bool CanStartTls => !_secure && _options.TlsHandlerFactory is not null;

    public bool IsCompressed => _compressed;

    public bool CanCompress => Compression is not null && !_compressed && LibZ.IsAvailable;

    /// <summary>XEP-0138 settings when this connection's listener offers compression; null when it does not.</summary>
    internal CompressionOptions? Compression { get; init; }

    public string RemoteAddress => _remote;

    internal XmppSession Session => _session;

    /// <summary>Bytes waiting in the outbound queue (any thread; for metrics).</summary>
    internal long QueuedBytes => _queue?.QueuedBytes ?? 0;

    public override void ChannelActive(IChannelHandlerContext context)
    {
        _ctx = context;
        var address = (context.Channel.RemoteAddress as IPEndPoint)?.Address;
        _remote = address is null ? "?" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        if (_connections.Limiter.TryAcquire(_remote) is { } limit)
        {
            // Over a connection limit: closed before any session state exists, so a flood costs little.
            _refused = true;
            _metrics.ConnectionsRejected.Add(1, new KeyValuePair<string, object?>("limit", limit));
            TransportLog.ConnectionRefused(_logger, _remote, _listener.Name, limit);
            context.CloseAsync();
            return;
        }

        _openedAt = Stopwatch.GetTimestamp();
        _tokens = _options.InboundBurstBytes;
        _refilledAt = _openedAt;
        _metrics.ConnectionsOpened.Add(1, _listener.Tag);
        _metrics.ConnectionsOpen.Add(1, _listener.Tag);
        _queue = new OutboundQueue(context.Allocator, _options.OutboundQueueLimitBytes);
        _session = new XmppSession(_server, this);
        var timeout = _server.Options.AuthenticationTimeout;
        if (timeout > TimeSpan.Zero)
        {
            _authTimer = context.Executor.Schedule(static state => ((XmppConnection)state).OnAuthenticationTimeout(), this, timeout);
        }

        var accepted = _connections.Add(this);
        TransportLog.ConnectionOpened(_logger, _remote, _listener.Name);
        context.FireChannelActive();
        if (!accepted)
        {
            _session.CloseWithStreamError(StreamErrorCondition.SystemShutdown);
        }
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        if (_refused)
        {
            context.FireChannelInactive();
            return;
        }

        _closing = true;
        _authTimer?.Cancel();
        _resumeTimer?.Cancel();
        _queue?.Close();
        lock (_sessionGate)
        {
            if (!_abandoned)
            {
                _session?.OnTransportClosed();
            }
        }

        _connections.Remove(this);
        _connections.Limiter.Release(_remote);
        var reason = _closeReason ?? _session?.CloseReason ?? "peer-closed";
        _metrics.ConnectionsOpen.Add(-1, _listener.Tag);
        _metrics.ConnectionsClosed.Add(1, _listener.Tag, new KeyValuePair<string, object?>("reason", reason));
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var jid = _session is { IsAuthenticated: true } session ? Encoding.UTF8.GetString(session.FullJid) : "-";
            TransportLog.ConnectionClosed(_logger, _remote, _listener.Name, reason, jid, (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds);
        }

        context.FireChannelInactive();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        _closeReason ??= "io-error";
        TransportLog.ConnectionFailed(_logger, _remote, exception.Message);
        context.CloseAsync();
    }

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent handshake)
        {
            if (!handshake.IsSuccessful)
            {
                _closeReason ??= "tls-failed";
                _metrics.TlsFailures.Add(1, _listener.Tag);
                TransportLog.TlsFailed(_logger, _remote, handshake.Exception?.Message ?? "unknown");
                context.CloseAsync();
                return;
            }

            _metrics.TlsHandshakes.Add(1, _listener.Tag);
        }

        context.FireUserEventTriggered(evt);
    }

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        if (context.Channel.IsWritable)
        {
            Drain();
        }

        context.FireChannelWritabilityChanged();
    }

    public void Abandon()
    {
        lock (_sessionGate)
        {
            _abandoned = true;
        }

        _closeReason ??= "resumed-elsewhere";
        _ctx.Channel.CloseAsync();
    }

    public void AdoptSession(XmppSession session)
    {
        _session = session;
        if (_inflater is { } inflater)
        {
            inflater.Session = session;
        }
    }

    public void OnAuthenticated()
    {
        // The timer only guards unauthenticated connections; dropping it now leaves an idle session no scheduled task.
        _authTimer?.Cancel();
        _authTimer = null;
    }

    private void OnAuthenticationTimeout()
    {
        if (!_session.IsAuthenticated && !_session.IsClosed)
        {
            TransportLog.AuthTimeout(_logger, _remote);
            _session.CloseWithStreamError(StreamErrorCondition.ConnectionTimeout);
        }
    }

    public void Post(ILoopWork work)
    {
        var runnable = Volatile.Read(ref _posted);
        if (runnable is null || !ReferenceEquals(runnable.Work, work))
        {
            // One work object per session in practice; another (after a XEP-0198 resume) replaces the cached one.
            runnable = new LoopWorkRunnable(this, work);
            Volatile.Write(ref _posted, runnable);
        }

        try
        {
            _ctx.Executor.Execute(runnable);
        }
        catch (RejectedExecutionException)
        {
            // The loop is shutting down: run here rather than lose what the work would route.
            work.RunOnLoop();
        }
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
    {
        var executor = _ctx.Executor;
        try
        {
            if (delay <= TimeSpan.Zero)
            {
                executor.Execute(work, state);
            }
            else
            {
                executor.Schedule(work, state, delay);
            }
        }
        catch (RejectedExecutionException)
        {
            // The loop is shutting down: its connections are being closed anyway.
        }
    }

    /// <summary>A bug in work posted to this connection's loop: handled like one in its input.</summary>
    internal void OnPostedWorkFault(Exception exception) => OnSessionFault(exception);

    /// <summary>
    /// A bug while handling this connection's input: the session's state cannot be trusted any more, so the
    /// connection ends with internal-server-error (RFC 6120 §4.9.3.8). The event loop and every other
    /// connection on it carry on.
    /// </summary>
    private void OnSessionFault(Exception exception)
    {
        TransportLog.SessionFault(_logger, _remote, exception);
        try
        {
            _session.CloseWithStreamError(StreamErrorCondition.InternalServerError);
        }
        catch (Exception second) when (second is not OutOfMemoryException)
        {
            TransportLog.SessionFault(_logger, _remote, second);
            _ctx.CloseAsync();
        }
    }
}
