using System.Diagnostics;
using System.Net;
using DotNetty.Buffers;
using DotNetty.Common.Concurrency;
using DotNetty.Common.Utilities;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Federation;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Transport.Buffers;
using HighPerf.Xmpp.Transport.Connections;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// The last handler of an s2s pipeline: feeds the <see cref="S2sSession"/> and owns the connection's outbound queue
/// (the same <see cref="OutboundQueue"/> as c2s: any thread appends, the loop drains with one flush per drain).
/// Handler methods stay public overrides: DotNetty reflects over them (IsSkippable).
/// </summary>
internal sealed class S2sConnection : ChannelHandlerAdapter, IServerStreamTransport, IRunnable
{
    private readonly S2sTransportHost _host;
    private readonly OutboundLink? _link;
    private readonly long _attempt;
    private readonly PeerCertificate _peer;
    private readonly WritesInFlight? _inFlight;
    private IChannelHandlerContext _ctx = null!;
    private S2sSession _session = null!;
    private OutboundQueue _queue = null!;
    private IByteBuffer[] _taken = new IByteBuffer[4];
    private string _remote = "?";
    private bool _secure;
    private bool _tlsServerRequested;
    private (string Local, string Remote)? _tlsClientRequested;
    private bool _tlsAsClient;
    private volatile bool _closeAfterDrain;
    private bool _closing;
    private long _openedAt;
    private string? _closeReason;
    private long _tokens;
    private long _refilledAt;
    private IScheduledTask? _resumeTimer;

    /// <param name="link">The link this connection was opened for; null for an accepted one.</param>
    /// <param name="directTls">TLS is already in the pipeline (XEP-0368): the stream starts after its handshake.</param>
    public S2sConnection(S2sTransportHost host, OutboundLink? link, long attempt, bool directTls)
    {
        _host = host;
        _link = link;
        _attempt = attempt;
        _peer = new PeerCertificate(host.Tls.ExtraRoots);
        DirectTls = directTls;
        _tlsAsClient = link is not null;

        // Only streams we open carry stanzas (replies to a peer go over our own link to it, never on its stream).
        _inFlight = link is null ? null : new WritesInFlight(link.BounceUnwritten);
    }

    internal bool DirectTls { get; }

    internal PeerCertificate Peer => _peer;

    public bool IsSecure => _secure;

    public bool CanStartTls => !_secure;

    public bool IsCompressed => false;

    public string RemoteAddress => _remote;

    public override void ChannelActive(IChannelHandlerContext context)
    {
        _ctx = context;
        var address = (context.Channel.RemoteAddress as IPEndPoint)?.Address;
        _remote = address is null ? "?" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        _openedAt = Stopwatch.GetTimestamp();
        _tokens = _host.Transport.InboundBurstBytes;
        _refilledAt = _openedAt;
        _queue = new OutboundQueue(context.Allocator, _host.Federation.Options.OutboundQueueBytes);
        if (_link is null)
        {
            _session = new S2sSession(_host.Federation, this);
            _session.OnAccepted();
        }
        else
        {
            _session = new S2sSession(_host.Federation, this, _link);
            if (!_link.Attach(_session, _attempt))
            {
                _closeReason = "superseded";
                context.CloseAsync();
                context.FireChannelActive();
                return;
            }

            if (!DirectTls)
            {
                _session.Start();
            }
        }

        _host.Track(this);
        context.FireChannelActive();
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _closing = true;
        _resumeTimer?.Cancel();
        if (_inFlight is null)
        {
            _queue?.Close();
        }
        else if (_queue is not null)
        {
            BounceQueued();
            _inFlight.OnClosed();
        }

        _session?.OnTransportClosed();
        _host.Untrack(this);
        S2sLog.Closed(_host.Logger, _link is null ? "inbound" : "outbound", _remote, _session?.PeerName ?? "?", _closeReason ?? _session?.CloseReason ?? "closed",
            (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds);
        context.FireChannelInactive();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        _closeReason ??= "io-error";
        S2sLog.Failed(_host.Logger, _remote, exception.Message);
        context.CloseAsync();
    }

    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent handshake)
        {
            if (!handshake.IsSuccessful)
            {
                _closeReason ??= "tls-failed";
                S2sLog.Failed(_host.Logger, _remote, "TLS: " + (handshake.Exception?.Message ?? "failed"));
                context.CloseAsync();
                return;
            }

            _secure = true;
            if (_tlsAsClient)
            {
                if (DirectTls && _session.Stage == S2sStage.AwaitingHeader && !_headerStarted)
                {
                    _headerStarted = true;
                    _session.Start();
                }
                else
                {
                    _session.OnTlsClientEstablished();
                }
            }
        }

        context.FireUserEventTriggered(evt);
    }

    private bool _headerStarted;

    public override void ChannelWritabilityChanged(IChannelHandlerContext context)
    {
        if (context.Channel.IsWritable)
        {
            Drain();
        }

        context.FireChannelWritabilityChanged();
    }

    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer buffer)
        {
            ReferenceCountUtil.Release(message);
            return;
        }

        try
        {
            var length = buffer.ReadableBytes;
            _host.Metrics.BytesIn.Add(length);
            Read(buffer);
            if (_host.Transport.InboundBytesPerSecond > 0)
            {
                Throttle(length);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            S2sLog.Fault(_host.Logger, _remote, ex);
            _session.CloseWithStreamError(StreamErrorCondition.InternalServerError);
        }
        finally
        {
            buffer.Release();
        }
    }

    private void Read(IByteBuffer buffer)
    {
        var offset = buffer.ReaderIndex;
        if (ByteBufferSpans.TryGetReadable(buffer, out var span))
        {
            offset += _session.ProcessInput(span);
        }
        else
        {
            foreach (var segment in buffer.GetIoBuffers())
            {
                offset += _session.ProcessInput(segment);
                if (_tlsServerRequested || _tlsClientRequested is not null || _session.Stage == S2sStage.Closed)
                {
                    break;
                }
            }
        }

        if (!_tlsServerRequested && _tlsClientRequested is null)
        {
            return;
        }

        // <proceed/> goes out unencrypted before TLS starts (server side); the client side has sent <starttls/> long ago.
        Drain();
        var pipeline = _ctx.Channel.Pipeline;
        if (_tlsServerRequested)
        {
            _tlsServerRequested = false;
            _tlsAsClient = false;
            pipeline.AddFirst("tls", _host.Tls.CreateServerHandler(_session.LocalName, _peer));
        }
        else
        {
            var (local, remote) = _tlsClientRequested!.Value;
            _tlsClientRequested = null;
            _tlsAsClient = true;
            pipeline.AddFirst("tls", _host.Tls.CreateClientHandler(local, remote, _peer));
        }

        var rest = buffer.WriterIndex - offset;
        if (rest > 0 && _session.Stage != S2sStage.Closed)
        {
            pipeline.FireChannelRead(buffer.RetainedSlice(offset, rest));
        }
    }

    public void StartTls() => _tlsServerRequested = true;

    public void StartTlsClient(string localDomain, string remoteDomain) => _tlsClientRequested = (localDomain, remoteDomain);

    public void StartCompression()
    {
        // XEP-0138 is never offered on s2s streams.
    }

    public bool PeerCertificateVerifiesFor(string domain) => _secure && _peer.VerifiesFor(domain);

    /// <summary>Thread-safe: the server stops; the stream ends with system-shutdown on its own loop.</summary>
    internal void Shutdown()
        => Schedule(TimeSpan.Zero, static state => ((S2sConnection)state!)._session?.CloseWithStreamError(StreamErrorCondition.SystemShutdown), this);

    public void Abort(string reason)
    {
        _closeReason ??= reason;
        _ctx.Channel.CloseAsync();
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
    {
        try
        {
            if (delay <= TimeSpan.Zero)
            {
                _ctx.Executor.Execute(work, state);
            }
            else
            {
                _ctx.Executor.Schedule(work, state, delay);
            }
        }
        catch (RejectedExecutionException)
        {
            // The loop is shutting down: its connections are closing anyway.
        }
    }

    public bool Enqueue(scoped in OutboundParts parts)
    {
        var queue = _queue;
        if (queue is null || _closeAfterDrain)
        {
            return false;
        }

        switch (queue.Enqueue(parts))
        {
            case EnqueueResult.ScheduleDrain:
                _ctx.Executor.Execute(this);
                return true;
            case EnqueueResult.Queued:
                return true;
            default:
                if (!_closeAfterDrain && !_closing)
                {
                    // A peer that stopped reading: bounded memory wins; the link reconnects for later stanzas.
                    _closeReason ??= "slow-reader";
                    _host.Metrics.SlowReaders.Add(1);
                    EnqueueAndClose(new OutboundParts(StreamErrors.Get(StreamErrorCondition.PolicyViolation)));
                }

                return false;
        }
    }

    public void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
        var queue = _queue;
        if (queue is null || _closeAfterDrain)
        {
            return;
        }

        queue.Enqueue(finalBytes, ignoreBound: true);
        _closeAfterDrain = true;
        _ctx.Executor.Execute(this);
    }

    public void Run() => Drain();

    private void Drain()
    {
        if (_closing)
        {
            return;
        }

        var closing = _closeAfterDrain;
        if (!closing && !_ctx.Channel.IsWritable)
        {
            _queue.MarkDrainDeferred();
            return;
        }

        var count = _queue.TakeAll(ref _taken);
        Task? last = null;
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += _taken[i].ReadableBytes;
            last = _inFlight is null ? _ctx.WriteAsync(_taken[i]) : _inFlight.Write(_ctx, _taken[i]);
            _taken[i] = null!;
        }

        if (count > 0)
        {
            _ctx.Flush();
            _host.Metrics.BytesOut.Add(bytes);
            if (_inFlight is not null)
            {
                _inFlight.SweepAfter(last!);
            }
        }

        if (closing)
        {
            _closing = true;
            if (_inFlight is null)
            {
                _queue.Close();
            }
            else
            {
                // Anything enqueued after the final bytes is not written: it bounces.
                BounceQueued();
            }

            var context = _ctx;
            if (last is null || last.IsCompleted)
            {
                context.CloseAsync();
                return;
            }

            last.ContinueWith(static (_, state) => ((IChannelHandlerContext)state!).CloseAsync(), context, TaskScheduler.Default);
            context.Executor.Schedule(static state => ((IChannelHandlerContext)state).CloseAsync(), context, _host.Transport.CloseTimeout);
        }
    }

    /// <summary>Closes the queue and bounces the stanzas in what it still held (outbound connections only).</summary>
    private void BounceQueued()
    {
        var count = _queue.CloseAndTakeAll(ref _taken);
        for (var i = 0; i < count; i++)
        {
            var chunk = _taken[i];
            _taken[i] = null!;
            try
            {
                if (ByteBufferSpans.TryGetReadable(chunk, out var bytes))
                {
                    _link!.BounceUnwritten(bytes);
                }
            }
            finally
            {
                chunk.Release();
            }
        }
    }

    /// <summary>The per-connection inbound rate limit, as on c2s: over the rate, reading pauses until the bucket refills.</summary>
    private void Throttle(int length)
    {
        var options = _host.Transport;
        var now = Stopwatch.GetTimestamp();
        var refill = (long)((double)(now - _refilledAt) * options.InboundBytesPerSecond / Stopwatch.Frequency);
        if (refill > 0)
        {
            _tokens = Math.Min(options.InboundBurstBytes, _tokens + refill);
            _refilledAt = now;
        }

        _tokens -= length;
        if (_tokens >= 0 || _resumeTimer is not null || _closing)
        {
            return;
        }

        _ctx.Channel.Configuration.AutoRead = false;
        _host.Metrics.InboundPauses.Add(1);
        var wait = TimeSpan.FromSeconds((double)-_tokens / options.InboundBytesPerSecond);
        _resumeTimer = _ctx.Executor.Schedule(static state => ((S2sConnection)state).ResumeReading(), this, wait);
    }

    private void ResumeReading()
    {
        _resumeTimer = null;
        if (!_closing && _ctx.Channel.Active)
        {
            _ctx.Channel.Configuration.AutoRead = true;
        }
    }
}
