using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DotNetty.Buffers;
using DotNetty.Common.Concurrency;
using DotNetty.Common.Utilities;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Transport.Buffers;
using HighPerf.Xmpp.Transport.Connections;

namespace HighPerf.Xmpp.Transport.Cluster;

/// <summary>
/// One node-link connection (see <see cref="NodeFrame"/> for the wire format), either side: the connecting node
/// (it carries an outbound <see cref="NodeLink"/>: sends data frames, reads acknowledgements) or the accepting one
/// (reads data frames and delivers them as local deliveries, acknowledges once per read batch). Frames are cut from
/// the read buffer in place; only a frame split across reads is copied into a pooled tail. Writes go through the
/// same <see cref="OutboundQueue"/> as c2s: any thread appends, the loop drains with one flush per drain.
/// Handler methods stay public overrides: DotNetty reflects over them (IsSkippable).
/// </summary>
internal sealed class NodeLinkConnection : ChannelHandlerAdapter, INodeLinkConnection, IRunnable
{
    private readonly NodeLinkHost _host;
    private readonly NodeLink? _link;
    private readonly long _attempt;
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(NodeFrame.NonceBytes);
    private IChannelHandlerContext _ctx = null!;
    private OutboundQueue _queue = null!;
    private IByteBuffer[] _taken = new IByteBuffer[4];
    private byte[] _tail = [];
    private int _tailLength;
    private bool _authenticated;
    private long _handled;
    private long _acknowledged;
    private bool _closing;
    private string _remote = "?";
    private string _peerNode = "?";
    private string? _closeReason;
    private IScheduledTask? _authTimer;

    /// <param name="link">The link this connection is opened for; null for an accepted one.</param>
    public NodeLinkConnection(NodeLinkHost host, NodeLink? link, long attempt)
    {
        _host = host;
        _link = link;
        _attempt = attempt;
    }

    public override void ChannelActive(IChannelHandlerContext context)
    {
        _ctx = context;
        var address = (context.Channel.RemoteAddress as IPEndPoint)?.Address;
        _remote = address is null ? "?" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        _queue = new OutboundQueue(context.Allocator, _host.OutboundQueueBytes);
        _host.Track(this);
        _authTimer = context.Executor.Schedule(static state => ((NodeLinkConnection)state).AuthTimedOut(), this, _host.Links.Options.ConnectTimeout);
        if (_link is null && _host.Tls is null)
        {
            SendChallenge();
        }

        context.FireChannelActive();
    }

    /// <summary>With TLS the acceptor challenges once the peer has shown the pinned certificate; a failed handshake closes.</summary>
    public override void UserEventTriggered(IChannelHandlerContext context, object evt)
    {
        if (evt is TlsHandshakeCompletionEvent handshake)
        {
            if (!handshake.IsSuccessful)
            {
                var reason = "TLS handshake failed: " + (handshake.Exception?.InnerException?.Message ?? handshake.Exception?.Message ?? "unknown");
                if (_link is null)
                {
                    _host.Links.OnInboundRefused(_remote, reason);
                }

                Abort(reason);
                return;
            }

            if (_link is null && !_closing)
            {
                SendChallenge();
            }
        }

        context.FireUserEventTriggered(evt);
    }

    private void SendChallenge()
    {
        Span<byte> challenge = stackalloc byte[NodeFrame.HeaderBytes + NodeFrame.NonceBytes];
        NodeFrame.WriteHeader(challenge, NodeFrame.Challenge, NodeFrame.NonceBytes);
        _nonce.CopyTo(challenge[NodeFrame.HeaderBytes..]);
        Write(challenge);
    }

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        _closing = true;
        _authTimer?.Cancel();
        _queue?.Close();
        if (_tail.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_tail);
            _tail = [];
        }

        _host.Untrack(this);
        var reason = _closeReason ?? "closed";
        if (_link is not null)
        {
            if (_authenticated)
            {
                _link.OnClosed(this, reason);
            }
            else
            {
                _link.OnConnectFailed(_attempt, reason);
            }
        }

        context.FireChannelInactive();
    }

    public override void ExceptionCaught(IChannelHandlerContext context, Exception exception)
    {
        _closeReason ??= "io-error: " + exception.Message;
        context.CloseAsync();
    }

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
            if (_tailLength == 0 && ByteBufferSpans.TryGetReadable(buffer, out var span))
            {
                var used = ReadFrames(span);
                KeepTail(span[used..]);
            }
            else
            {
                AppendTail(buffer);
                var used = ReadFrames(_tail.AsSpan(0, _tailLength));
                _tail.AsSpan(used, _tailLength - used).CopyTo(_tail);
                _tailLength -= used;
            }

            if (_handled != _acknowledged && !_closing)
            {
                // One acknowledgement per read batch, not per frame.
                _acknowledged = _handled;
                Span<byte> ack = stackalloc byte[NodeFrame.HeaderBytes + 8];
                NodeFrame.WriteHeader(ack, NodeFrame.Ack, 8);
                BinaryPrimitives.WriteInt64BigEndian(ack[NodeFrame.HeaderBytes..], _handled);
                Write(ack);
            }
        }
        finally
        {
            buffer.Release();
        }
    }

    /// <summary>Handles every whole frame at the start of <paramref name="input"/>; returns the bytes they took.</summary>
    private int ReadFrames(ReadOnlySpan<byte> input)
    {
        var at = 0;
        while (!_closing && input.Length - at >= 4)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(input[at..]);
            if (length < 1 || length > _host.MaxFrameBytes)
            {
                Abort("bad frame length " + length);
                return input.Length;
            }

            if (input.Length - at - 4 < length)
            {
                break;
            }

            OnFrame(input[at + 4], input.Slice(at + NodeFrame.HeaderBytes, length - 1));
            at += 4 + length;
        }

        return at;
    }

    private void OnFrame(byte type, ReadOnlySpan<byte> payload)
    {
        if (!_authenticated)
        {
            OnHandshakeFrame(type, payload);
            return;
        }

        switch (type)
        {
            case NodeFrame.Stanza when _link is null:
                if (NodeFrame.TryReadAddressed(payload, out var bare, out var resource, out var stanza))
                {
                    _host.Links.Delivery.Deliver(bare, resource, stanza);
                }

                _handled++;
                break;
            case NodeFrame.Service when _link is null:
                if (NodeFrame.TryReadAddressed(payload, out _, out _, out var toService))
                {
                    _host.Links.Delivery.DeliverToService(_peerNode, toService);
                }

                _handled++;
                break;
            case NodeFrame.Kick when _link is null:
                if (NodeFrame.TryReadAddressed(payload, out var kickedBare, out var kickedResource, out _))
                {
                    _host.Links.Delivery.Kick(kickedBare, kickedResource);
                }

                _handled++;
                break;
            case NodeFrame.Presence when _link is null:
                _host.Links.Delivery.OnPresence(_peerNode, payload);
                _handled++;
                break;
            case NodeFrame.Probe when _link is null:
                _host.Links.Delivery.OnProbe(_peerNode, payload);
                _handled++;
                break;
            case NodeFrame.Carbon when _link is null:
                _host.Links.Delivery.OnCarbon(payload);
                _handled++;
                break;
            case NodeFrame.Ack when _link is not null && payload.Length == 8:
                _link.OnAck(this, BinaryPrimitives.ReadInt64BigEndian(payload));
                break;
            default:
                Abort("unexpected frame " + type);
                break;
        }
    }

    private void OnHandshakeFrame(byte type, ReadOnlySpan<byte> payload)
    {
        var links = _host.Links;
        Span<byte> mac = stackalloc byte[NodeFrame.MacBytes];
        if (_link is not null && type == NodeFrame.Challenge && payload.Length == NodeFrame.NonceBytes)
        {
            // Connector: prove the secret for this node id, and send a nonce for the acceptor to prove it back.
            var id = links.NodeIdBytes;
            NodeFrame.AuthMac(links.Options.Secret, payload, id, mac);
            Span<byte> auth = stackalloc byte[NodeFrame.HeaderBytes + NodeFrame.MacBytes + NodeFrame.NonceBytes + id.Length];
            NodeFrame.WriteHeader(auth, NodeFrame.Auth, auth.Length - NodeFrame.HeaderBytes);
            mac.CopyTo(auth[NodeFrame.HeaderBytes..]);
            _nonce.CopyTo(auth[(NodeFrame.HeaderBytes + NodeFrame.MacBytes)..]);
            id.CopyTo(auth[(NodeFrame.HeaderBytes + NodeFrame.MacBytes + NodeFrame.NonceBytes)..]);
            Write(auth);
            return;
        }

        if (_link is not null && type == NodeFrame.Proof && payload.Length == NodeFrame.MacBytes)
        {
            NodeFrame.ProofMac(links.Options.Secret, _nonce, Encoding.UTF8.GetBytes(_link.NodeId), mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, payload))
            {
                Abort("the node did not prove the cluster secret and its id");
                return;
            }

            _authenticated = true;
            _authTimer?.Cancel();
            _peerNode = _link.NodeId;
            if (!_link.Attach(this, _attempt))
            {
                _authenticated = false;
                Abort("superseded");
            }

            return;
        }

        if (_link is null && type == NodeFrame.Auth && payload.Length > NodeFrame.MacBytes + NodeFrame.NonceBytes)
        {
            var peerId = payload[(NodeFrame.MacBytes + NodeFrame.NonceBytes)..];
            NodeFrame.AuthMac(links.Options.Secret, _nonce, peerId, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, payload[..NodeFrame.MacBytes]))
            {
                links.OnInboundRefused(_remote, "wrong cluster secret");
                Abort("wrong cluster secret");
                return;
            }

            _authenticated = true;
            _authTimer?.Cancel();
            _peerNode = Encoding.UTF8.GetString(peerId);
            NodeFrame.ProofMac(links.Options.Secret, payload.Slice(NodeFrame.MacBytes, NodeFrame.NonceBytes), links.NodeIdBytes, mac);
            Span<byte> proof = stackalloc byte[NodeFrame.HeaderBytes + NodeFrame.MacBytes];
            NodeFrame.WriteHeader(proof, NodeFrame.Proof, NodeFrame.MacBytes);
            mac.CopyTo(proof[NodeFrame.HeaderBytes..]);
            Write(proof);
            links.OnInboundAuthenticated(_peerNode, _remote);
            return;
        }

        links.OnInboundRefused(_remote, "bad handshake frame " + type);
        Abort("bad handshake frame " + type);
    }

    private void AuthTimedOut()
    {
        if (!_authenticated && !_closing)
        {
            Abort("handshake timed out");
        }
    }

    private void KeepTail(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty || _closing)
        {
            return;
        }

        EnsureTail(rest.Length);
        rest.CopyTo(_tail);
        _tailLength = rest.Length;
    }

    private void AppendTail(IByteBuffer buffer)
    {
        var length = buffer.ReadableBytes;
        EnsureTail(_tailLength + length);
        buffer.GetBytes(buffer.ReaderIndex, _tail, _tailLength, length);
        _tailLength += length;
    }

    private void EnsureTail(int length)
    {
        if (_tail.Length >= length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
        _tail.AsSpan(0, _tailLength).CopyTo(grown);
        if (_tail.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_tail);
        }

        _tail = grown;
    }

    private void Abort(string reason)
    {
        _closeReason ??= reason;
        _closing = true;
        _ctx.CloseAsync();
    }

    private void Write(ReadOnlySpan<byte> frame) => Enqueue(new OutboundParts(frame));

    public bool Enqueue(scoped in OutboundParts frame)
    {
        var queue = _queue;
        if (queue is null)
        {
            return false;
        }

        switch (queue.Enqueue(frame))
        {
            case EnqueueResult.ScheduleDrain:
                _ctx.Executor.Execute(this);
                return true;
            case EnqueueResult.Queued:
                return true;
            default:
                return false;
        }
    }

    public void Close(string reason)
    {
        _closeReason ??= reason;
        _ctx.Channel.CloseAsync();
    }

    /// <summary>The server stops: the connection closes (its link fails what is not acknowledged yet).</summary>
    internal void Shutdown() => Close("server stopping");

    public void Run() => Drain();

    private void Drain()
    {
        if (_closing)
        {
            return;
        }

        if (!_ctx.Channel.IsWritable)
        {
            _queue.MarkDrainDeferred();
            return;
        }

        var count = _queue.TakeAll(ref _taken);
        for (var i = 0; i < count; i++)
        {
            _ctx.WriteAsync(_taken[i]);
            _taken[i] = null!;
        }

        if (count > 0)
        {
            _ctx.Flush();
        }
    }
}
