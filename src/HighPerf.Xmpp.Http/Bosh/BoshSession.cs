using System.Buffers;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Http.Framing;
using HighPerf.Xmpp.Http.Hosting;

namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>
/// One XEP-0124 session: requests are taken in rid order (early ones kept until their turn, repeated ones answered
/// from a cache of the last 'requests' responses), their payload fed to the <see cref="XmppSession"/>; up to 'hold'
/// requests wait for the session's output, which is framed into standalone elements and sent in the oldest one.
/// </summary>
/// <remarks>
/// Two locks: <see cref="HttpSessionTransport.Gate"/> is the session's loop (input, restarts, timers), taken by the
/// request handler; <c>_outLock</c> guards the outbox and the held requests and is a leaf: <see cref="Enqueue"/>, which
/// any thread calls while holding its own session's loop, takes only that. So two sessions routing to each other never
/// wait on each other's loop.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The framer and outbox are disposed in Finish when the session ends.")]
internal sealed class BoshSession : HttpSessionTransport
{
    private readonly object _outLock = new();
    private readonly BoshSessionTable _table;
    private readonly OutboundFramer _framer;
    private readonly PooledBufferWriter _outbox = new(1024);
    private readonly List<HeldRequest> _held = [];
    private readonly SortedDictionary<long, EarlyRequest> _early = [];
    private readonly Dictionary<long, byte[]> _answered = [];
    private readonly Queue<long> _answeredOrder = new();
    private readonly byte[] _to;
    private readonly byte[] _lang;
    private long _nextRid;
    private long _lastActivity = Environment.TickCount64;
    private byte[]? _terminate;
    private long _terminatedAt;
    private string _terminateCondition = "";
    private int _finished;

    public BoshSession(HttpTransportHost host, BoshSessionTable table, string sid, string remoteAddress, bool secure, in BoshRequest create)
        : base(host, remoteAddress, secure, "bosh")
    {
        _table = table;
        Sid = sid;
        var limits = host.Options.Bosh;
        Wait = Math.Clamp(create.IntAttribute("wait"u8, limits.MaxWaitSeconds), 1, limits.MaxWaitSeconds);
        Hold = Math.Clamp(create.IntAttribute("hold"u8, 1), 0, limits.MaxHold);
        Requests = Math.Max(limits.MaxRequests, Hold + 1);
        Inactivity = limits.InactivitySeconds;
        Polling = limits.PollingSeconds;
        _to = create.To.ToArray();
        _lang = create.Lang.ToArray();
        _framer = new OutboundFramer(host.Server.Options.XmlLimits);
    }

    public string Sid { get; }

    public int Wait { get; }

    public int Hold { get; }

    public int Requests { get; }

    public int Inactivity { get; }

    public int Polling { get; }

    /// <summary>The session creation request (XEP-0124 §7.1): opens the stream and answers with the features.</summary>
    public byte[] Start(in BoshRequest create)
    {
        lock (Gate)
        {
            _nextRid = create.Rid + 1;
            var header = ScratchWriter.Rent();
            SyntheticHeader.Write(header, create.To, create.XmppVersion.IsEmpty ? "1.0"u8 : create.XmppVersion, create.Lang);
            FeedSession(header.WrittenSpan);
            lock (_outLock)
            {
                _lastActivity = Environment.TickCount64;
                if (_terminate is not null)
                {
                    // host-unknown and the like: the session ends with this very response.
                    ScheduleFinish();
                    return _terminate;
                }

                var response = BoshBodies.Created(this, _framer.StreamFrom, _framer.StreamId, create.WantsAcks ? create.Rid : 0, _outbox.WrittenSpan);
                _outbox.Reset();
                Remember(create.Rid, response);
                return response;
            }
        }
    }

    /// <summary>A request in an existing session: its response, now or once it is answered.</summary>
    public Task<byte[]> Accept(in BoshRequest request, ReadOnlySpan<byte> raw)
    {
        lock (Gate)
        {
            var rid = request.Rid;
            TaskCompletionSource<byte[]> response;
            lock (_outLock)
            {
                _lastActivity = Environment.TickCount64;
                if (_terminate is not null)
                {
                    ScheduleFinish();
                    return Task.FromResult(_terminate);
                }

                if (rid < _nextRid)
                {
                    return Repeated(rid);
                }

                if (rid > _nextRid - 1 + Requests)
                {
                    // §14.2: beyond the window of 'requests' rids.
                    return Task.FromResult(TerminateNow("item-not-found"));
                }

                response = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (rid > _nextRid)
                {
                    if (_early.Count + _held.Count >= Requests || _early.ContainsKey(rid))
                    {
                        return Task.FromResult(TerminateNow("policy-violation"));
                    }

                    // §14.2: kept until the requests before it have arrived.
                    _early.Add(rid, new EarlyRequest(raw.ToArray(), response));
                    return response.Task;
                }

                if (_early.Count + _held.Count >= Requests)
                {
                    // §11: more simultaneous requests than 'requests'.
                    return Task.FromResult(TerminateNow("policy-violation"));
                }
            }

            Process(request, response);
            while (!IsEnded && _early.Remove(_nextRid, out var early))
            {
                if (BoshRequest.TryParse(early.Raw, out var later, out _))
                {
                    Process(later, early.Response);
                }
            }

            lock (_outLock)
            {
                Answer();
            }

            return response.Task;
        }
    }

    /// <summary>Answers held requests whose 'wait' ran out; ends the session after 'inactivity' without a request. Timer thread.</summary>
    public void Sweep(long now)
    {
        var expired = false;
        lock (_outLock)
        {
            for (var i = 0; i < _held.Count; i++)
            {
                if (_held[i].Deadline <= now)
                {
                    var held = _held[i];
                    _held.RemoveAt(i);
                    i--;
                    Complete(held, BoshBodies.Data(default, 0));
                }
            }

            if (_terminate is not null)
            {
                expired = now - _terminatedAt > (Wait + 10) * 1000L;
            }
            else if (_held.Count == 0 && _early.Count == 0 && now - _lastActivity > Inactivity * 1000L)
            {
                // §7.1 'inactivity': no request pending for that long: the client is gone.
                CloseReason ??= "inactivity";
                expired = true;
            }
        }

        if (expired)
        {
            Finish();
        }
    }

    /// <summary>Ends the session now (server stop, an oversized or malformed request): answers what is held.</summary>
    public byte[] TerminateWith(StreamErrorCondition condition)
    {
        lock (Gate)
        {
            if (!Session.IsClosed)
            {
                Session.CloseWithStreamError(condition);
            }

            lock (_outLock)
            {
                _terminate ??= BoshBodies.Terminate(ConditionOf(condition), default);
                Answer();
                ScheduleFinish();
                return _terminate;
            }
        }
    }

    public override bool Enqueue(scoped in OutboundParts parts)
    {
        lock (_outLock)
        {
            if (_terminate is not null || IsEnded)
            {
                return false;
            }

            // As for TCP, the bound limits what piles up behind a client: one unit into an empty outbox always fits.
            var pending = _outbox.WrittenCount;
            Frame(parts);
            if (pending > 0 && _outbox.WrittenCount > Host.Options.OutboundQueueLimitBytes && _terminate is null)
            {
                // A client that stopped polling: bounded memory wins over its pending data.
                CloseReason ??= "slow-reader";
                Host.Server.Metrics.SlowReaders.Add(1);
                HttpLog.SlowReader(Host.Logger, TransportName, RemoteAddress, Host.Options.OutboundQueueLimitBytes);
                _outbox.Reset();
                SetTerminate("policy-violation");
            }

            Answer();
            return _terminate is null;
        }
    }

    public override void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
        lock (_outLock)
        {
            if (_terminate is not null)
            {
                return;
            }

            Frame(finalBytes);
            if (_terminate is null)
            {
                SetTerminate(_terminateCondition);
            }

            Answer();
        }
    }

    protected override void Abort()
    {
        lock (_outLock)
        {
            if (_terminate is null)
            {
                SetTerminate("internal-server-error");
            }

            Answer();
        }

        ScheduleFinish();
    }

    private Task<byte[]> Repeated(long rid)
    {
        if (_answered.TryGetValue(rid, out var cached))
        {
            // §14.3: a client that lost a response sends the same rid again and gets the same response.
            return Task.FromResult(cached);
        }

        foreach (var held in _held)
        {
            if (held.Rid == rid)
            {
                // The same request again while still held (the old connection broke): this one waits instead.
                held.Response.TrySetResult(BoshBodies.Empty.ToArray());
                held.Response = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                return held.Response.Task;
            }
        }

        if (_early.TryGetValue(rid, out var early))
        {
            return early.Response.Task;
        }

        return Task.FromResult(TerminateNow("item-not-found"));
    }

    /// <summary>Session loop: one request in rid order.</summary>
    private void Process(in BoshRequest request, TaskCompletionSource<byte[]> response)
    {
        _nextRid = request.Rid + 1;
        if (request.IsRestart && !Session.IsClosed)
        {
            if (Session.Stage != StreamStage.AwaitingHeader)
            {
                // XEP-0206 §5: a restart only after SASL success.
                Session.CloseWithStreamError(StreamErrorCondition.BadFormat);
            }
            else
            {
                var header = ScratchWriter.Rent();
                SyntheticHeader.Write(header, request.To.IsEmpty ? _to : request.To, "1.0"u8, request.Lang.IsEmpty ? _lang : request.Lang);
                FeedSession(header.WrittenSpan);
            }
        }

        var payload = request.Payload;
        if (!payload.IsEmpty && !Session.IsClosed)
        {
            FeedSession(payload);
            if (!Session.IsClosed && Session.BufferedInputBytes > 0)
            {
                // A body carries complete elements only.
                Session.CloseWithStreamError(StreamErrorCondition.NotWellFormed);
            }
        }

        if (request.IsTerminate && !Session.IsClosed)
        {
            // §13: the client ends the session; the stream closes as a TCP one would.
            FeedSession(FramingNames.SyntheticStreamClose);
        }

        lock (_outLock)
        {
            _held.Add(new HeldRequest(request.Rid, Environment.TickCount64 + (Wait * 1000L), response));
        }
    }

    /// <summary>_outLock held: answers the oldest held requests with the queued output, and any over 'hold' empty.</summary>
    private void Answer()
    {
        if (_terminate is not null)
        {
            if (_held.Count > 0)
            {
                foreach (var held in _held)
                {
                    Complete(held, _terminate);
                }

                _held.Clear();
                ScheduleFinish();
            }

            foreach (var early in _early.Values)
            {
                early.Response.TrySetResult(_terminate);
            }

            _early.Clear();
            return;
        }

        while (_held.Count > 0 && (_outbox.WrittenCount > 0 || _held.Count > Hold))
        {
            var held = _held[0];
            _held.RemoveAt(0);
            var newest = _nextRid - 1;
            var body = BoshBodies.Data(_outbox.WrittenSpan, held.Rid < newest ? newest : 0);
            _outbox.Reset();
            Complete(held, body);
        }
    }

    private void Complete(HeldRequest held, byte[] body)
    {
        Remember(held.Rid, body);
        _lastActivity = Environment.TickCount64;
        held.Response.TrySetResult(body);
    }

    /// <summary>Keeps the responses of the last 'requests' rids for retransmission (§14.3).</summary>
    private void Remember(long rid, byte[] body)
    {
        if (_answered.TryAdd(rid, body))
        {
            _answeredOrder.Enqueue(rid);
            while (_answeredOrder.Count > Requests)
            {
                _answered.Remove(_answeredOrder.Dequeue());
            }
        }
    }

    /// <summary>_outLock held: turns session output into standalone elements in the outbox.</summary>
    private void Frame(scoped in OutboundParts parts)
    {
        var length = parts.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            parts.CopyTo(buffer);
            if (!_framer.Convert(buffer.AsSpan(0, length)))
            {
                HttpLog.FramingFailed(Host.Logger, TransportName, RemoteAddress);
                SetTerminate("internal-server-error");
                return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        for (var i = 0; i < _framer.FrameCount; i++)
        {
            var frame = _framer.FrameAt(i);
            var bytes = _framer.Span(frame);
            switch (frame.Kind)
            {
                case FrameKind.Element:
                    if (bytes.StartsWith("<stream:error"u8))
                    {
                        _terminateCondition = BoshConditionOf(bytes);
                    }

                    _outbox.Write(bytes);
                    break;
                case FrameKind.Close:
                    SetTerminate(_terminateCondition);
                    break;
                default:
                    // The stream header: its id and domain go into the creation response; a restart needs nothing.
                    break;
            }
        }

        _framer.Clear();
    }

    /// <summary>XEP-0124 has its own names for a few stream errors; any other is remote-stream-error (XEP-0206 §4).</summary>
    private static string BoshConditionOf(ReadOnlySpan<byte> streamError)
    {
        if (streamError.IndexOf("<host-unknown"u8) >= 0)
        {
            return "host-unknown";
        }

        if (streamError.IndexOf("<policy-violation"u8) >= 0)
        {
            return "policy-violation";
        }

        return streamError.IndexOf("<system-shutdown"u8) >= 0 ? "system-shutdown" : "remote-stream-error";
    }

    private static string ConditionOf(StreamErrorCondition condition) => condition switch
    {
        StreamErrorCondition.PolicyViolation => "policy-violation",
        StreamErrorCondition.SystemShutdown => "system-shutdown",
        StreamErrorCondition.HostUnknown => "host-unknown",
        _ => "remote-stream-error",
    };

    /// <summary>_outLock held: the terminate body, with whatever output is still queued (a stream error included).</summary>
    private void SetTerminate(string condition)
    {
        _terminate = BoshBodies.Terminate(condition, _outbox.WrittenSpan);
        _outbox.Reset();
        _terminatedAt = Environment.TickCount64;
        if (_table.IsStopping && _held.Count == 0)
        {
            // The server stops: nobody will come for this body.
            ScheduleFinish();
        }
    }

    /// <summary>_outLock held: a protocol violation by the client ends the session with this condition.</summary>
    private byte[] TerminateNow(string condition)
    {
        HttpLog.BoshRefused(Host.Logger, RemoteAddress, condition);
        CloseReason ??= condition;
        SetTerminate(condition);
        Answer();
        ScheduleFinish();
        return _terminate!;
    }

    private void ScheduleFinish() => Schedule(TimeSpan.Zero, static s => ((BoshSession)s!).Finish(), this);

    /// <summary>The session is over: its XMPP session ends (unavailable presence), its sid is forgotten. Once.</summary>
    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        _table.Remove(this);
        lock (Gate)
        {
            OnClosed();
        }

        lock (_outLock)
        {
            if (_terminate is null)
            {
                SetTerminate(CloseReason == "inactivity" ? "" : "system-shutdown");
            }

            Answer();
            _framer.Dispose();
            _outbox.Dispose();
        }
    }
}
