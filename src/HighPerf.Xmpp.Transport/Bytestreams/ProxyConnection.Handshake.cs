using System.Buffers;
using System.Text;
using DotNetty.Buffers;
using HighPerf.Xmpp.Transport.Buffers;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// The RFC 1928 handshake. Messages may arrive split or together; bytes are parsed straight from the read buffer
/// when a message is complete in it, else gathered in one small pooled array (at most a request's 262 bytes).
/// Once the request is answered the connection stops reading: nothing is read, so nothing is held, until the
/// bytestream is activated.
/// </summary>
internal sealed partial class ProxyConnection
{
    private byte[]? _handshake;
    private int _handshakeLength;

    private void Handshake(IByteBuffer buffer)
    {
        try
        {
            TouchOwn();
            if (_handshakeLength == 0 && ByteBufferSpans.TryGetReadable(buffer, out var direct))
            {
                var used = Step(direct);
                if (used >= 0 && used < direct.Length)
                {
                    Gather(direct[used..]);
                }

                return;
            }

            var copy = new byte[buffer.ReadableBytes];
            buffer.GetBytes(buffer.ReaderIndex, copy);
            Gather(copy);
        }
        finally
        {
            buffer.Release();
        }
    }

    /// <summary>Adds bytes to the gathered ones and steps through every complete message.</summary>
    private void Gather(ReadOnlySpan<byte> input)
    {
        _handshake ??= ArrayPool<byte>.Shared.Rent(Socks5Parser.MaxRequestBytes);
        if (_handshakeLength + input.Length > _handshake.Length)
        {
            if (_stage == ConnectionStage.Waiting)
            {
                HoldEarlyBytes(input);
                return;
            }

            // More than a whole message without a complete one in it: not a SOCKS5 client.
            Refuse("handshake too long", default);
            return;
        }

        input.CopyTo(_handshake.AsSpan(_handshakeLength));
        _handshakeLength += input.Length;
        var used = Step(_handshake.AsSpan(0, _handshakeLength));
        if (used < 0)
        {
            return;
        }

        var rest = _handshakeLength - used;
        _handshake.AsSpan(used, rest).CopyTo(_handshake);
        _handshakeLength = rest;
        if (_stage == ConnectionStage.Waiting && rest > 0)
        {
            // The client sent data right after its request, before activation: kept for the other side.
            HoldEarlyBytes(_handshake.AsSpan(0, rest));
            _handshakeLength = 0;
        }

        if (_stage is ConnectionStage.Waiting or ConnectionStage.Closed)
        {
            ReleaseHandshakeBuffer();
        }
    }

    /// <summary>Handles the complete messages at the start of <paramref name="input"/>; returns the bytes used, or -1
    /// when the connection was refused.</summary>
    private int Step(ReadOnlySpan<byte> input)
    {
        var used = 0;
        while (_stage is ConnectionStage.Greeting or ConnectionStage.Request && used < input.Length)
        {
            var rest = input[used..];
            if (_stage == ConnectionStage.Greeting)
            {
                var parse = Socks5Parser.ParseGreeting(rest, out var consumed);
                if (parse == Socks5Parse.NeedMore)
                {
                    return used;
                }

                if (parse == Socks5Parse.NoAcceptableMethod)
                {
                    Refuse("no acceptable authentication method", Socks5Replies.NoAcceptableMethod);
                    return -1;
                }

                if (parse != Socks5Parse.Complete)
                {
                    Refuse("not SOCKS5", default);
                    return -1;
                }

                Write(Socks5Replies.NoAuthentication);
                _stage = ConnectionStage.Request;
                used += consumed;
            }
            else
            {
                var parse = Socks5Parser.ParseRequest(rest, out var consumed, out var address, out var port);
                if (parse == Socks5Parse.NeedMore)
                {
                    return used;
                }

                if (!Request(parse, address, port))
                {
                    return -1;
                }

                used += consumed;
            }
        }

        return used;
    }

    private bool Request(Socks5Parse parse, ReadOnlySpan<byte> address, ushort port)
    {
        Span<byte> reply = stackalloc byte[Socks5Parser.MaxRequestBytes];
        switch (parse)
        {
            case Socks5Parse.CommandNotSupported:
                Refuse("command other than CONNECT", reply[..Socks5Replies.WriteFailure(reply, Socks5Replies.CommandNotSupported)]);
                return false;
            case Socks5Parse.AddressTypeNotSupported:
                Refuse("address type other than a domain name", reply[..Socks5Replies.WriteFailure(reply, Socks5Replies.AddressTypeNotSupported)]);
                return false;
            case Socks5Parse.NotADestinationAddress:
                Refuse("address is not a SHA-1 destination address", reply[..Socks5Replies.WriteReply(reply, Socks5Replies.HostUnreachable, address, port)]);
                return false;
            case Socks5Parse.Complete:
                break;
            default:
                Refuse("malformed request", default);
                return false;
        }

        // Stop reading before answering: until activation, what the client sends waits in its socket.
        _ctx.Channel.Configuration.AutoRead = false;
        var key = Encoding.ASCII.GetString(address).ToLowerInvariant();
        var joined = _host.Join(key, this, out var stream);
        if (joined != JoinResult.Joined)
        {
            var status = joined == JoinResult.Full ? Socks5Replies.GeneralFailure : Socks5Replies.NotAllowed;
            Refuse(joined == JoinResult.Full ? "too many transfers" : "a third connection for one bytestream", reply[..Socks5Replies.WriteReply(reply, status, address, port)]);
            return false;
        }

        Stream = stream;
        _stage = ConnectionStage.Waiting;
        Write(reply[..Socks5Replies.WriteReply(reply, Socks5Replies.Succeeded, address, port)]);
        return true;
    }

    private void Refuse(string reason, ReadOnlySpan<byte> reply)
    {
        ProxyLog.HandshakeRefused(_host.Logger, Remote, reason);
        _stage = ConnectionStage.Closed;
        ReleaseHandshakeBuffer();
        var channel = _ctx.Channel;
        channel.Configuration.AutoRead = false;
        if (reply.IsEmpty)
        {
            channel.CloseAsync();
            return;
        }

        Write(reply);
        CloseAfterFlush();
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        var buffer = _ctx.Allocator.Buffer(bytes.Length);
        bytes.CopyTo(ByteBufferSpans.GetWritable(buffer, bytes.Length));
        buffer.SetWriterIndex(buffer.WriterIndex + bytes.Length);
        _ctx.WriteAndFlushAsync(buffer);
    }

    private void ReleaseHandshakeBuffer()
    {
        if (_handshake is { } array)
        {
            _handshake = null;
            _handshakeLength = 0;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
