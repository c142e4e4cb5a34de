using System.Diagnostics;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Http.Hosting;

/// <summary>
/// What the WebSocket and BOSH transports share as an <see cref="ISessionTransport"/>: the session's "event loop"
/// (a lock: input, timers and kicks run one at a time, as on a DotNetty loop), the authentication timeout, the
/// close bookkeeping (metrics, log line, presence via the session's end). STARTTLS and XEP-0138 are never offered:
/// HTTP has its own TLS.
/// </summary>
internal abstract class HttpSessionTransport : ISessionTransport
{
    private readonly long _openedAt = Stopwatch.GetTimestamp();
    private readonly KeyValuePair<string, object?> _listenerTag;
    private int _closed;
    private bool _abandoned;

    protected HttpSessionTransport(HttpTransportHost host, string remoteAddress, bool secure, string transportName)
    {
        Host = host;
        RemoteAddress = remoteAddress;
        IsSecure = secure;
        TransportName = transportName;
        _listenerTag = new("listener", transportName);
        Session = new XmppSession(host.Server, this);
        var metrics = host.Server.Metrics;
        metrics.ConnectionsOpened.Add(1, _listenerTag);
        metrics.ConnectionsOpen.Add(1, _listenerTag);
        var timeout = host.Server.Options.AuthenticationTimeout;
        if (timeout > TimeSpan.Zero)
        {
            Schedule(timeout, static state => ((HttpSessionTransport)state!).OnAuthenticationTimeout(), this);
        }
    }

    protected HttpTransportHost Host { get; }

    /// <summary>Held while the session runs: every call into it (input, timers, close) takes this lock.</summary>
    protected object Gate { get; } = new();

    private PostedWork? _posted;

    /// <summary>The session this connection feeds; a XEP-0198 resume on this connection replaces it.</summary>
    public XmppSession Session { get; private set; }

    public string TransportName { get; }

    public bool IsSecure { get; }

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress { get; }

    /// <summary>Set by a transport that closes for its own reason (slow reader, timeout) before the session's.</summary>
    protected string? CloseReason { get; set; }

    /// <summary>True once <see cref="OnClosed"/> ran.</summary>
    protected bool IsEnded => Volatile.Read(ref _closed) != 0;

    public abstract bool Enqueue(scoped in OutboundParts parts);

    public abstract void EnqueueAndClose(scoped in OutboundParts finalBytes);

    public void StartTls()
    {
        // Never offered (CanStartTls is false); the session answers <starttls/> with <failure/> itself.
    }

    public void StartCompression()
    {
        // Never offered (CanCompress is false).
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
    {
        if (delay <= TimeSpan.Zero)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Transport.RunOnLoop(s.Work, s.State), (Transport: this, Work: work, State: state), preferLocal: false);
            return;
        }

        // Rare (timeouts, delayed auth failures): a timer per call is fine.
        Timer? timer = null;
        timer = new Timer(_ =>
        {
            timer!.Dispose();
            RunOnLoop(work, state);
        });
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    public void Post(ILoopWork work)
    {
        var item = Volatile.Read(ref _posted);
        if (item is null || !ReferenceEquals(item.Work, work))
        {
            item = new PostedWork(this, work);
            Volatile.Write(ref _posted, item);
        }

        ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
    }

    public void Abandon()
    {
        // XEP-0198: the session was resumed on another connection. Taking the gate waits for input in progress.
        lock (Gate)
        {
            _abandoned = true;
        }

        CloseReason ??= "resumed-elsewhere";
        Abort();
    }

    public void AdoptSession(XmppSession session) => Session = session;

    /// <summary>Thread-safe: ends the session from elsewhere (server stop) with a stream error.</summary>
    public void Kick(StreamErrorCondition condition) => Session.Kick(condition);

    /// <summary>Runs <paramref name="work"/> as the session's loop would.</summary>
    protected void RunOnLoop(Action<object?> work, object? state)
    {
        lock (Gate)
        {
            if (IsEnded)
            {
                return;
            }

            try
            {
                work(state);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                OnSessionFault(ex);
            }
        }
    }

    /// <summary>Session loop only (under <see cref="Gate"/>): feeds client bytes, turning a bug into internal-server-error.</summary>
    protected void FeedSession(ReadOnlySpan<byte> input)
    {
        try
        {
            if (_abandoned)
            {
                return; // the session lives on another connection now (XEP-0198 resume)
            }

            Host.Server.Metrics.BytesIn.Add(input.Length);
            var session = Session;
            var consumed = session.ProcessInput(input);
            while (consumed < input.Length && !ReferenceEquals(session, Session))
            {
                // A <resume/> handed the stream to the resumed session: the rest of the input is its.
                session = Session;
                consumed += session.ProcessInput(input[consumed..]);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OnSessionFault(ex);
        }
    }

    /// <summary>Session loop only: the connection is gone; the session ends (unavailable presence, route removed). Once.</summary>
    protected void OnClosed()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        if (!_abandoned)
        {
            Session.OnTransportClosed();
        }

        Host.Remove(this);
        var metrics = Host.Server.Metrics;
        var reason = CloseReason ?? Session.CloseReason ?? "peer-closed";
        metrics.ConnectionsOpen.Add(-1, _listenerTag);
        metrics.ConnectionsClosed.Add(1, _listenerTag, new KeyValuePair<string, object?>("reason", reason));
        if (Host.Logger.IsEnabled(LogLevel.Information))
        {
            var jid = Session.IsAuthenticated ? Encoding.UTF8.GetString(Session.FullJid) : "-";
            HttpLog.SessionClosed(Host.Logger, TransportName, RemoteAddress, reason, jid, (long)Stopwatch.GetElapsedTime(_openedAt).TotalMilliseconds);
        }
    }

    private void OnAuthenticationTimeout()
    {
        if (!Session.IsAuthenticated && !Session.IsClosed)
        {
            Session.CloseWithStreamError(StreamErrorCondition.ConnectionTimeout);
        }
    }

    private void OnSessionFault(Exception exception)
    {
        HttpLog.SessionFault(Host.Logger, TransportName, RemoteAddress, exception);
        try
        {
            Session.CloseWithStreamError(StreamErrorCondition.InternalServerError);
        }
        catch (Exception second) when (second is not OutOfMemoryException)
        {
            HttpLog.SessionFault(Host.Logger, TransportName, RemoteAddress, second);
            Abort();
        }
    }

    /// <summary>Drops the connection without a goodbye (the session's close path itself failed).</summary>
    protected abstract void Abort();

    /// <summary>Posted work runs under the gate like input does, and also after the session ended (held messages still go out).</summary>
    private sealed class PostedWork(HttpSessionTransport transport, ILoopWork work) : IThreadPoolWorkItem
    {
        public ILoopWork Work => work;

        public void Execute()
        {
            lock (transport.Gate)
            {
                try
                {
                    work.RunOnLoop();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    transport.OnSessionFault(ex);
                }
            }
        }
    }
}
