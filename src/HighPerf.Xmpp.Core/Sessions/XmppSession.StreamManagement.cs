using System.Buffers.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.StreamManagement;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// XEP-0198 stream management inside the session: counting and keeping outbound stanzas at the one point where
/// they are handed to the transport (<see cref="HandToTransport"/>), acks, detaching when the connection drops,
/// and resumption, which moves this session onto a new connection. The outbound lock is the session object
/// itself (no extra allocation per session): deliveries from any loop, a resume on another loop and the
/// detach timeout all go through it, so a stanza is either in the resent backlog or sent live, never both.
/// Lock order: user gate, then session, then the transport's queue; nothing under the session lock calls out.
/// </summary>
public sealed partial class XmppSession
{
    private StreamManagementState? _sm;
    private bool _handedOver;

    private static ReadOnlySpan<byte> AckRequest => "<r xmlns='urn:xmpp:sm:3'/>"u8;

    /// <summary>An attached session holding this many times the unacked bound ends at once, ack grace or not. The
    /// grace is the real rule; this only caps what a reading, never-acking client can pile up meanwhile. It is far
    /// above the bound because server-made bursts (stored messages delivered at login or resume) count too.</summary>
    private const long HardBoundFactor = 64;

    /// <summary>XEP-0198 is on for this session (&lt;enable/&gt; was accepted).</summary>
    public bool IsStreamManagementEnabled => Volatile.Read(ref _sm) is not null;

    /// <summary>The connection dropped and the session waits for a resume (XEP-0198); stanzas to it are kept.</summary>
    public bool IsDetached => Volatile.Read(ref _sm) is { Link: SmLink.Detached };

    /// <summary>Bytes held for the client until it acknowledges them (0 without stream management).</summary>
    public int UnackedBytes
    {
        get
        {
            var sm = Volatile.Read(ref _sm);
            if (sm is null)
            {
                return 0;
            }

            lock (this)
            {
                return sm.Unacked.Bytes;
            }
        }
    }

    /// <summary>
    /// Thread-safe. The one place where an outbound unit is handed to the transport. With stream management on,
    /// the stanza is counted and its bytes kept until the client acknowledges it; while detached it is only kept.
    /// Everything a bound, stream-managed session sends through here is one stanza (nonzas go through
    /// <see cref="SendNonza"/>).
    /// </summary>
    private bool HandToTransport(scoped in OutboundParts parts)
    {
        var armTimer = false;
        var overflow = false;
        var spill = false;
        var armBoundCheck = false;
        lock (this)
        {
            var sm = _sm;
            if (sm is null)
            {
                return _transport.Enqueue(parts);
            }

            if (sm.Link != SmLink.Closed)
            {
                sm.Counter.OnSent();
                sm.Unacked.Append(parts);
                if (sm.Link == SmLink.Attached)
                {
                    _transport.Enqueue(parts);
                    armTimer = RequestAckIfDue(sm);
                }

                var bound = sm.Handler.Options.MaxUnackedBytes;
                if (!sm.Overflowed && sm.Unacked.Bytes > bound)
                {
                    if (sm.Link == SmLink.Attached)
                    {
                        if (sm.Unacked.Bytes > HardBoundFactor * bound)
                        {
                            sm.Overflowed = true;
                            overflow = true;
                        }
                        else if (!sm.BoundCheckArmed)
                        {
                            armBoundCheck = true;
                            ArmBoundCheck(sm);
                        }
                    }
                    else if (!sm.SpillScheduled)
                    {
                        sm.SpillScheduled = true;
                        spill = true;
                    }
                }

                goto queued;
            }
        }

        // The session ended between a router finding it and this delivery: the stanza takes the path the queue took.
        var copy = new byte[parts.Length];
        parts.CopyTo(copy);
        Volatile.Read(ref _sm)!.Handler.Rerouter.RerouteOne(this, copy);
        return true;

    queued:
        if (armTimer)
        {
            _transport.Schedule(Volatile.Read(ref _sm)!.Handler.Options.RequestAfter, static state => ((XmppSession)state!).OnRequestTimer(), this);
        }

        if (armBoundCheck)
        {
            _transport.Schedule(Volatile.Read(ref _sm)!.Handler.Options.AckGrace, static state => ((XmppSession)state!).OnBoundCheck(), this);
        }

        if (overflow)
        {
            // Not from here: a delivery may hold its user's gate, and ending the session takes it too.
            _transport.Schedule(TimeSpan.Zero, static state => ((XmppSession)state!).OnUnackedOverflow(), this);
        }
        else if (spill)
        {
            // Not from here either: storing and bouncing call out, and nothing under the session lock may.
            _transport.Schedule(TimeSpan.Zero, static state => ((XmppSession)state!).OnDetachedSpill(), this);
        }

        return true;
    }

    /// <summary>Under the session lock: an attached session crossed the bound. It is asked for an ack now, and the
    /// check after the grace ends it unless an ack came in the meantime.</summary>
    private void ArmBoundCheck(StreamManagementState sm)
    {
        sm.BoundCheckArmed = true;
        sm.AckedAtBoundCheck = sm.Counter.Acked;
        if (!sm.RequestPending)
        {
            _transport.Enqueue(new OutboundParts(AckRequest));
            sm.RequestPending = true;
        }
    }

    private void OnBoundCheck()
    {
        var sm = Volatile.Read(ref _sm)!;
        var overflow = false;
        var again = false;
        lock (this)
        {
            sm.BoundCheckArmed = false;
            if (sm.Link != SmLink.Attached || sm.Overflowed || sm.Unacked.Bytes <= sm.Handler.Options.MaxUnackedBytes)
            {
                return;
            }

            if (sm.Counter.Acked == sm.AckedAtBoundCheck)
            {
                sm.Overflowed = true;
                overflow = true;
            }
            else
            {
                // It acks, only behind a burst: give it another grace.
                ArmBoundCheck(sm);
                again = true;
            }
        }

        if (overflow)
        {
            OnUnackedOverflow();
        }
        else if (again)
        {
            _transport.Schedule(sm.Handler.Options.AckGrace, static state => ((XmppSession)state!).OnBoundCheck(), this);
        }
    }

    /// <summary>
    /// A detached session crossed its unacked bound: the oldest stanzas queued since the drop (never seen by the
    /// client) leave the XEP-0198 sequence, down to half the bound. Messages go to offline storage, iq requests
    /// are bounced, presence is dropped; the resume then tells the modules (<see cref="Modules.ResumeGap"/>), which
    /// deliver the stored messages and the contacts' current presence. The session stays resumable, and holds
    /// at most the bound while it waits.
    /// </summary>
    private void OnDetachedSpill()
    {
        var sm = Volatile.Read(ref _sm)!;
        UnackedStanzas taken;
        lock (this)
        {
            sm.SpillScheduled = false;
            if (sm.Link != SmLink.Detached || sm.Ending)
            {
                return;
            }

            taken = sm.Unacked.TakeAfter(sm.KeptAtDetach, sm.Handler.Options.MaxUnackedBytes / 2);

            // The client never saw these (they came after the drop): later stanzas simply take their numbers.
            sm.Counter.Sent = unchecked(sm.Counter.Sent - (uint)taken.Count);
        }

        try
        {
            if (taken.Count == 0)
            {
                return;
            }

            StreamManagementLog.Spilled(_server.Logger, JidForLog(), taken.Count, taken.Bytes);
            var gap = sm.Handler.Rerouter.Spill(this, taken);
            lock (this)
            {
                // A resume that won the race between the take and here misses this gap: the stored messages
                // then wait for the next initial presence, as offline messages do. Nothing is lost either way.
                sm.Gap |= gap;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StreamManagementLog.Failed(_server.Logger, JidForLog(), ex);
        }
        finally
        {
            taken.Release();
        }
    }

    /// <summary>Under the session lock: sends &lt;r/&gt; once enough stanzas are unacknowledged; true when a
    /// timed request should be armed instead.</summary>
    private bool RequestAckIfDue(StreamManagementState sm)
    {
        if (sm.RequestPending)
        {
            return false;
        }

        var options = sm.Handler.Options;
        if (sm.Counter.Outstanding >= (uint)Math.Max(1, options.RequestAfterStanzas))
        {
            _transport.Enqueue(new OutboundParts(AckRequest));
            sm.RequestPending = true;
            return false;
        }

        if (sm.RequestTimerArmed || options.RequestAfter <= TimeSpan.Zero)
        {
            return false;
        }

        sm.RequestTimerArmed = true;
        return true;
    }

    private void OnRequestTimer()
    {
        var sm = Volatile.Read(ref _sm)!;
        lock (this)
        {
            sm.RequestTimerArmed = false;
            if (sm.Link == SmLink.Attached && !sm.RequestPending && sm.Counter.Outstanding > 0)
            {
                _transport.Enqueue(new OutboundParts(AckRequest));
                sm.RequestPending = true;
            }
        }
    }

    private void OnUnackedOverflow()
    {
        // Beyond the bound the session ends: everything unacknowledged goes to offline storage (nothing is lost,
        // and a later resume fails cleanly instead of missing stanzas).
        try
        {
            StreamManagementLog.Overflow(_server.Logger, JidForLog(), Volatile.Read(ref _sm)!.Handler.Options.MaxUnackedBytes);
            if (TryClaimDetachedEnd(generation: null))
            {
                FinishDetached("unacked-overflow");
            }
            else if (!IsClosed)
            {
                Kick(StreamErrorCondition.ResourceConstraint);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StreamManagementLog.Failed(_server.Logger, JidForLog(), ex);
        }
    }

    private string JidForLog() => System.Text.Encoding.UTF8.GetString(FullJid);

    /// <summary>Thread-safe: ends the session now if it is detached (server shutdown).</summary>
    internal void EndIfDetached(string reason)
    {
        if (TryClaimDetachedEnd(generation: null))
        {
            FinishDetached(reason);
        }
    }

    /// <summary>Thread-safe. Queues a stream-level element (&lt;a/&gt;, &lt;enabled/&gt;…): not counted, not kept.</summary>
    internal bool SendNonza(ReadOnlySpan<byte> bytes) => Transport.Enqueue(new OutboundParts(bytes));

    /// <summary>Session loop only: one more stanza from the client was handled (XEP-0198 §4, 'h' mod 2^32).</summary>
    private void CountHandledStanza()
    {
        var sm = _sm;
        if (sm is not null)
        {
            unchecked
            {
                sm.Inbound++;
            }
        }
    }

    /// <summary>Session loop only: the client's handled count, for &lt;a h=''/&gt;.</summary>
    internal uint HandledCount => _sm?.Inbound ?? 0;

    /// <summary>Session loop only: turns stream management on and queues &lt;enabled/&gt; (before any counted stanza).</summary>
    internal void EnableStreamManagement(StreamManagementHandler handler, bool resumable, TimeSpan resumeTimeout)
    {
        var id = resumable ? handler.Registry.Add(this) : null;
        var state = new StreamManagementState(handler, id, resumeTimeout);
        var writer = ScratchWriter.Rent();
        writer.Write("<enabled xmlns='urn:xmpp:sm:3'"u8);
        if (id is not null)
        {
            writer.Write(" id='"u8);
            writer.Write(System.Text.Encoding.ASCII.GetBytes(id));
            writer.Write("' resume='true' max='"u8);
            var span = writer.GetSpan(12);
            Utf8Formatter.TryFormat((long)Math.Ceiling(resumeTimeout.TotalSeconds), span, out var written);
            writer.Advance(written);
            writer.Write("'"u8);
        }

        writer.Write("/>"u8);
        lock (this)
        {
            // Under the lock: a delivery racing with us is either before <enabled/> and uncounted, or after and counted.
            Volatile.Write(ref _sm, state);
            _transport.Enqueue(new OutboundParts(writer.WrittenSpan));
        }
    }

    /// <summary>Session loop only: the client acknowledged <paramref name="h"/> stanzas in all. False when that is more
    /// than were sent (<paramref name="sent"/> tells how many).</summary>
    internal bool Acknowledge(uint h, out uint sent)
    {
        var sm = _sm!;
        lock (this)
        {
            sent = sm.Counter.Sent;
            if (!sm.Counter.TryAcknowledge(h, out var newlyAcked))
            {
                return false;
            }

            sm.Unacked.DropOldest((int)newlyAcked);
            sm.RequestPending = false;
            return true;
        }
    }

    /// <summary>
    /// Session loop only (the transport tells us the connection is gone without a closing tag or a stream error):
    /// a resumable session detaches instead of ending. It stays bound and available; its stanzas are kept until a
    /// resume or the timeout.
    /// </summary>
    private bool TryDetach()
    {
        var sm = _sm;
        if (sm?.ResumptionId is null || _stage != StreamStage.Bound)
        {
            return false;
        }

        lock (this)
        {
            if (sm.Link != SmLink.Attached || sm.Ending || sm.Overflowed)
            {
                return false;
            }

            sm.Link = SmLink.Detached;
            sm.KeptAtDetach = sm.Unacked.Count;
            sm.Gap = Modules.ResumeGap.None;
            sm.RequestPending = false;
            sm.RequestTimerArmed = false;
            var generation = ++sm.Generation;
            Volatile.Write(ref _transport, DetachedTransport.Instance);
            sm.DetachTimer = new Timer(
                static state => ((DetachTicket)state!).Expire(), new DetachTicket(this, generation), sm.ResumeTimeout, Timeout.InfiniteTimeSpan);
        }

        CloseReason = "detached";
        StreamManagementLog.Detached(_server.Logger, JidForLog(), (int)sm.ResumeTimeout.TotalSeconds);
        return true;
    }

    /// <summary>Thread-safe: claims the end of a detached session (timeout, replacement, overflow), so that a
    /// concurrent resume cannot take it any more. <paramref name="generation"/>: only if still that detach.</summary>
    private bool TryClaimDetachedEnd(int? generation)
    {
        var sm = Volatile.Read(ref _sm);
        if (sm is null)
        {
            return false;
        }

        lock (this)
        {
            if (sm.Ending || sm.Link != SmLink.Detached || (generation is { } g && g != sm.Generation))
            {
                return false;
            }

            sm.Ending = true;
            return true;
        }
    }

    /// <summary>Ends a detached session claimed by <see cref="TryClaimDetachedEnd"/>: now its unavailable presence
    /// goes out and its unacknowledged stanzas are re-routed (offline storage for messages).</summary>
    private void FinishDetached(string reason)
    {
        CloseReason = reason;
        _stage = StreamStage.Closed;
        _tokenizer.Dispose(); // no connection feeds a detached (or abandoned) session
        End();
    }

    /// <summary>Called from <see cref="End"/>: nothing the client did not acknowledge is lost.</summary>
    private void FinishStreamManagement(StreamManagementState sm)
    {
        UnackedStanzas taken;
        lock (this)
        {
            sm.Link = SmLink.Closed;
            sm.Ending = true;
            sm.Generation++;
            sm.DetachTimer?.Dispose();
            sm.DetachTimer = null;
            taken = sm.Unacked.TakeAll();
        }

        if (sm.ResumptionId is not null)
        {
            sm.Handler.Registry.Remove(sm.ResumptionId, this);
        }

        try
        {
            sm.Handler.Rerouter.Reroute(this, taken);
        }
        finally
        {
            taken.Release();
        }
    }

    /// <summary>
    /// Session loop of the new connection, on its authenticated, unbound session: takes over
    /// <paramref name="previous"/> (same account, detached or still attached to a connection not yet noticed
    /// dead), drops what <paramref name="h"/> acknowledges, queues &lt;resumed/&gt; and the rest of the backlog, and
    /// hands the connection's input to <paramref name="previous"/>. This session is finished afterwards.
    /// </summary>
    internal ResumeOutcome TryResumeInto(XmppSession previous, uint h, out uint sent)
    {
        sent = 0;
        var sm = Volatile.Read(ref previous._sm);
        if (sm?.ResumptionId is null || ReferenceEquals(previous, this))
        {
            return ResumeOutcome.NotFound;
        }

        var oldTransport = previous.Transport;
        if (!ReferenceEquals(oldTransport, DetachedTransport.Instance))
        {
            // Still attached: its connection stops calling into the session (waiting for a read in progress) and closes.
            oldTransport.Abandon();
        }

        var endPrevious = false;
        var gap = Modules.ResumeGap.None;
        lock (previous)
        {
            if (sm.Ending || sm.Link == SmLink.Closed || previous._stage != StreamStage.Bound)
            {
                return ResumeOutcome.NotFound;
            }

            sent = sm.Counter.Sent;
            if (!sm.Counter.TryAcknowledge(h, out var newlyAcked))
            {
                sm.Ending = true;
                endPrevious = true;
            }
            else
            {
                sm.Unacked.DropOldest((int)newlyAcked);
                sm.Link = SmLink.Attached;
                gap = sm.Gap;
                sm.Gap = Modules.ResumeGap.None;
                sm.Generation++;
                sm.DetachTimer?.Dispose();
                sm.DetachTimer = null;
                sm.RequestPending = false;
                sm.RequestTimerArmed = false;
                previous._tokenizer.Dispose();
                previous._tokenizer = _tokenizer;
                previous._headerSent = true;
                previous.CloseReason = null;
                Volatile.Write(ref previous._transport, _transport);

                Span<byte> resumed = stackalloc byte[128 + sm.ResumptionId.Length];
                var length = WriteResumed(resumed, sm.Inbound, sm.ResumptionId);
                _transport.Enqueue(new OutboundParts(resumed[..length]));
                var cursor = sm.Unacked.GetCursor();
                while (cursor.MoveNext())
                {
                    _transport.Enqueue(new OutboundParts(cursor.Current));
                }

                if (sm.Counter.Outstanding > 0)
                {
                    _transport.Enqueue(new OutboundParts(AckRequest));
                    sm.RequestPending = true;
                }
            }
        }

        if (endPrevious)
        {
            // The client claims stanzas we never sent: its state cannot be trusted, so the old session ends
            // (its backlog is re-routed) and this stream may bind afresh.
            previous.FinishDetached("resume-failed");
            return ResumeOutcome.HandledCountTooHigh;
        }

        _tokenizer = new XmlStreamTokenizer(_server.Options.XmlLimits);
        _handedOver = true;
        _stage = StreamStage.Closed;
        _transport.AdoptSession(previous);
        StreamManagementLog.Resumed(_server.Logger, previous.JidForLog(), _transport.RemoteAddress);
        if (gap != Modules.ResumeGap.None)
        {
            foreach (var observer in _server.Modules.SessionObservers)
            {
                observer.OnResumed(previous, gap);
            }
        }

        return ResumeOutcome.Resumed;
    }

    private static int WriteResumed(Span<byte> destination, uint h, string previd)
    {
        var head = "<resumed xmlns='urn:xmpp:sm:3' h='"u8;
        head.CopyTo(destination);
        var at = head.Length;
        Utf8Formatter.TryFormat(h, destination[at..], out var written);
        at += written;
        var previdStart = "' previd='"u8;
        previdStart.CopyTo(destination[at..]);
        at += previdStart.Length;
        at += System.Text.Encoding.ASCII.GetBytes(previd, destination[at..]);
        "'/>"u8.CopyTo(destination[at..]);
        return at + 3;
    }

    /// <summary>Session loop only: ends the stream with a stream error carrying an application condition.</summary>
    internal void CloseWithStreamError(StreamErrorCondition condition, ReadOnlySpan<byte> applicationCondition)
    {
        if (_stage == StreamStage.Closed)
        {
            return;
        }

        var name = StreamErrors.Name(condition);
        CloseReason = name;
        _server.Metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("condition", name));
        var writer = ScratchWriter.Rent();
        writer.Write("<stream:error><"u8);
        writer.Write(System.Text.Encoding.ASCII.GetBytes(name));
        writer.Write(" xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"u8);
        writer.Write(applicationCondition);
        writer.Write("</stream:error></stream:stream>"u8);
        _transport.EnqueueAndClose(new OutboundParts(writer.WrittenSpan));
        _stage = StreamStage.Closed;
        if (!_feeding)
        {
            _tokenizer.Dispose();
        }

        End();
    }

    /// <summary>Carries a detach's generation to its timeout (one small object per detach, a rare event).</summary>
    private sealed class DetachTicket(XmppSession session, int generation)
    {
        public void Expire()
        {
            try
            {
                if (session.TryClaimDetachedEnd(generation))
                {
                    StreamManagementLog.Expired(session._server.Logger, session.JidForLog());
                    session.FinishDetached("resumption-timeout");
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A timer thread must never take the process down; the session is lost to the log, not the server.
                StreamManagementLog.Failed(session._server.Logger, session.JidForLog(), ex);
            }
        }
    }
}

/// <summary>What became of a &lt;resume/&gt;.</summary>
internal enum ResumeOutcome : byte
{
    Resumed,
    NotFound,
    HandledCountTooHigh,
}
