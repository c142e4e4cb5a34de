using DotNetty.Buffers;
using DotNetty.Common.Concurrency;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// Relaying. Each read buffer (pooled, from this connection's loop) is written to the other side as it is, never
/// copied; the other side releases it once written. Back-pressure: when the other side's pending writes pass the
/// high-water mark this side stops reading (auto-read off), and the other side turns it back on when it drains
/// below the low-water mark, so a fast sender waits in TCP flow control while at most the high-water mark plus
/// one read per direction is held here. The per-transfer rate limit pauses reading the same way, on a timer.
/// </summary>
internal sealed partial class ProxyConnection
{
    private const int MaxEarlyBytes = 64 * 1024;
    private static readonly Action<object> ResumeFromPeerAction = static state => ((ProxyConnection)state).ResumeFromPeerOnLoop();
    private static readonly Action<object> ActivatedAction = static state => ((ProxyConnection)state).OnActivated();
    private static readonly Action<object> ResumeFromRateAction = static state => ((ProxyConnection)state).ResumeFromRate();

    private List<IByteBuffer>? _early;
    private int _earlyBytes;
    private bool _unflushed;
    private bool _pausedForPeer;
    private bool _pausedForRate;
    private IScheduledTask? _resumeTimer;

    /// <summary>The bytestream was activated (called under the rendezvous lock, on any thread).</summary>
    public void Activate() => _ctx.Executor.Execute(ActivatedAction, this);

    /// <summary>The other side drained: resume reading if it was what paused us (any thread).</summary>
    public void ResumeFromPeer() => _ctx.Executor.Execute(ResumeFromPeerAction, this);

    private void OnActivated()
    {
        if (_stage != ConnectionStage.Waiting)
        {
            return;
        }

        _stage = ConnectionStage.Relaying;
        if (_early is { } early)
        {
            _early = null;
            _earlyBytes = 0;
            var peer = Stream!.PeerOf(this)!.Channel;
            foreach (var buffer in early)
            {
                peer.WriteAsync(buffer);
            }

            peer.Flush();
        }

        UpdateAutoRead();
    }

    private void Relay(IByteBuffer buffer)
    {
        var stream = Stream!;
        var peer = stream.PeerOf(this)!.Channel;
        var length = buffer.ReadableBytes;
        stream.Touch();
        stream.Count(length);
        Interlocked.Add(ref _host.Stats.BytesRelayedField, length);
        peer.WriteAsync(buffer);
        _unflushed = true;
        _host.Stats.ObservePending(peer.Unsafe.OutboundBuffer?.TotalPendingWriteBytes() ?? 0);
        if (!peer.IsWritable)
        {
            _pausedForPeer = true;
            UpdateAutoRead();
            // The other side may have drained between the check and the pause: its resume then found us not paused.
            if (peer.IsWritable)
            {
                _pausedForPeer = false;
                UpdateAutoRead();
            }
        }

        var wait = stream.Consume(length);
        if (wait > TimeSpan.Zero && _resumeTimer is null)
        {
            _pausedForRate = true;
            UpdateAutoRead();
            _resumeTimer = _ctx.Executor.Schedule(ResumeFromRateAction, this, wait);
        }
    }

    private void ResumeFromPeerOnLoop()
    {
        if (_pausedForPeer)
        {
            _pausedForPeer = false;
            Stream?.Touch();
            UpdateAutoRead();
        }
    }

    private void ResumeFromRate()
    {
        _resumeTimer = null;
        _pausedForRate = false;
        UpdateAutoRead();
    }

    private void UpdateAutoRead()
    {
        var channel = _ctx.Channel;
        var read = _stage == ConnectionStage.Relaying && !_pausedForPeer && !_pausedForRate && channel.Active;
        if (channel.Configuration.AutoRead != read)
        {
            // Turning auto-read on also asks for the next read.
            channel.Configuration.AutoRead = read;
        }
    }

    private void HoldEarly(IByteBuffer buffer)
    {
        if (_earlyBytes + buffer.ReadableBytes > MaxEarlyBytes)
        {
            buffer.Release();
            ProxyLog.HandshakeRefused(_host.Logger, Remote, "sent more than 64 KiB before activation");
            Close();
            return;
        }

        _earlyBytes += buffer.ReadableBytes;
        (_early ??= []).Add(buffer);
    }

    private void HoldEarlyBytes(ReadOnlySpan<byte> bytes)
    {
        var buffer = _ctx.Allocator.Buffer(bytes.Length);
        bytes.CopyTo(ByteBufferSpans.GetWritable(buffer, bytes.Length));
        buffer.SetWriterIndex(buffer.WriterIndex + bytes.Length);
        HoldEarly(buffer);
    }

    private void ReleaseEarly()
    {
        if (_early is { } early)
        {
            _early = null;
            foreach (var buffer in early)
            {
                buffer.Release();
            }
        }
    }
}
