using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Http.Framing;
using HighPerf.Xmpp.Http.Hosting;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Http.WebSockets;

/// <summary>
/// XMPP over WebSocket (RFC 7395): one accepted WebSocket feeding one <see cref="Core.Sessions.XmppSession"/>.
/// Each text message holds one element; &lt;open/&gt; and &lt;close/&gt; are turned into the stream header and closing
/// tag the session's tokenizer expects, every other message goes to it as is. Outbound units are queued from any
/// thread into pooled arrays and written by one loop, which frames them (<see cref="OutboundFramer"/>) into one
/// message per element.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The framer is disposed by the write loop when it ends; the abort source has no timer to release.")]
internal sealed class WebSocketTransport : HttpSessionTransport
{
    private readonly WebSocket _socket;
    private readonly Channel<OutboundChunk> _outbound = Channel.CreateUnbounded<OutboundChunk>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OutboundFramer _framer;
    private readonly CancellationTokenSource _abort = new();
    private readonly int _maxMessageBytes;
    private long _queuedBytes;
    private volatile bool _closeAfterDrain;

    public WebSocketTransport(HttpTransportHost host, WebSocket socket, string remoteAddress, bool secure)
        : base(host, remoteAddress, secure, "websocket")
    {
        _socket = socket;
        _framer = new OutboundFramer(host.Server.Options.XmlLimits);
        _maxMessageBytes = host.Server.Options.XmlLimits.MaxStanzaBytes;
    }

    /// <summary>Runs the connection until it closes: reads here, writes in a second loop.</summary>
    public async Task RunAsync()
    {
        var writer = WriteLoopAsync();
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (Gate)
            {
                OnClosed();
            }

            _outbound.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    public override bool Enqueue(scoped in OutboundParts parts)
    {
        if (_closeAfterDrain || IsEnded)
        {
            return false;
        }

        // As for TCP, the bound limits what piles up behind a reader: one unit into an empty queue always fits.
        var length = parts.Length;
        var queued = Interlocked.Add(ref _queuedBytes, length);
        if (queued > Host.Options.OutboundQueueLimitBytes && queued != length)
        {
            Interlocked.Add(ref _queuedBytes, -length);
            if (!_closeAfterDrain)
            {
                // A reader that stopped reading: bounded memory wins over its pending data.
                CloseReason ??= "slow-reader";
                Host.Server.Metrics.SlowReaders.Add(1);
                HttpLog.SlowReader(Host.Logger, TransportName, RemoteAddress, Host.Options.OutboundQueueLimitBytes);
                EnqueueAndClose(new OutboundParts(StreamErrors.Get(StreamErrorCondition.PolicyViolation)));
            }

            return false;
        }

        return Write(parts, final: false);
    }

    public override void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
        if (_closeAfterDrain)
        {
            return;
        }

        _closeAfterDrain = true;
        Interlocked.Add(ref _queuedBytes, finalBytes.Length);
        Write(finalBytes, final: true);
    }

    protected override void Abort() => _abort.Cancel();

    private bool Write(scoped in OutboundParts parts, bool final)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(parts.Length, 1));
        parts.CopyTo(buffer);
        if (!_outbound.Writer.TryWrite(new OutboundChunk(buffer, parts.Length, final)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }

        return true;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            while (!_abort.IsCancellationRequested)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > _maxMessageBytes)
                    {
                        // Over the stanza-size limit: a stream error, as for a TCP client's oversized stanza.
                        RunOnLoop(static s => ((WebSocketTransport)s!).Session.CloseWithStreamError(StreamErrorCondition.PolicyViolation), this);
                        await DrainUntilClosedAsync(buffer).ConfigureAwait(false);
                        return;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), _abort.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The peer closed (after our <close/>, or abruptly): answer the close handshake if still open.
                    await CloseSocketAsync().ConfigureAwait(false);
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (length > _maxMessageBytes)
                {
                    RunOnLoop(static s => ((WebSocketTransport)s!).Session.CloseWithStreamError(StreamErrorCondition.PolicyViolation), this);
                    await DrainUntilClosedAsync(buffer).ConfigureAwait(false);
                    return;
                }

                lock (Gate)
                {
                    if (!IsEnded && !Session.IsClosed)
                    {
                        OnMessage(buffer.AsSpan(0, length), result.MessageType);
                    }
                }

                length = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            CloseReason ??= _abort.IsCancellationRequested ? null : "io-error";
            HttpLog.SessionFailed(Host.Logger, TransportName, RemoteAddress, ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>After a fatal error the session has queued its stream error: read (and drop) until the peer or the
    /// writer closes, so the close handshake completes.</summary>
    private async Task DrainUntilClosedAsync(byte[] buffer)
    {
        while (!_abort.IsCancellationRequested)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseSocketAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Session loop: one RFC 7395 message.</summary>
    private void OnMessage(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        if (type != WebSocketMessageType.Text)
        {
            // RFC 7395 §3.2: XMPP frames are text (UTF-8) messages.
            Session.CloseWithStreamError(StreamErrorCondition.BadFormat);
            return;
        }

        var trimmed = message.TrimStart(" \t\r\n"u8);
        if (IsFramingElement(trimmed, "open"u8))
        {
            OnOpen(trimmed);
            return;
        }

        if (IsFramingElement(trimmed, "close"u8))
        {
            // RFC 7395 §3.6: the session answers with its closing tag, which goes out as <close/>.
            FeedSession(FramingNames.SyntheticStreamClose);
            return;
        }

        FeedSession(message);
        if (!Session.IsClosed && Session.BufferedInputBytes > 0)
        {
            // RFC 7395 §3.3.3: a message carries complete elements only.
            Session.CloseWithStreamError(StreamErrorCondition.NotWellFormed);
        }
    }

    private void OnOpen(ReadOnlySpan<byte> message)
    {
        var open = XmlElementReader.Create(message, default);
        if (!open.IsValid)
        {
            Session.CloseWithStreamError(StreamErrorCondition.NotWellFormed);
            return;
        }

        if (!open.Namespace.SequenceEqual(FramingNames.NsFraming))
        {
            Session.CloseWithStreamError(StreamErrorCondition.InvalidNamespace);
            return;
        }

        if (Session.Stage != Core.Sessions.StreamStage.AwaitingHeader)
        {
            // An <open/> is only valid at the start and after a restart (SASL success).
            Session.CloseWithStreamError(StreamErrorCondition.BadFormat);
            return;
        }

        open.TryGetAttribute("to"u8, out var to);
        open.TryGetAttribute("version"u8, out var version);
        open.TryGetAttribute("lang"u8, "http://www.w3.org/XML/1998/namespace"u8, out var lang);
        var writer = ScratchWriter.Rent();
        SyntheticHeader.Write(writer, to, version, lang);
        FeedSession(writer.WrittenSpan);
    }

    /// <summary>True when the message starts with &lt;name followed by a delimiter (whether it is in the framing
    /// namespace is checked when it is parsed).</summary>
    private static bool IsFramingElement(ReadOnlySpan<byte> message, ReadOnlySpan<byte> name)
    {
        if (message.Length < name.Length + 2 || message[0] != (byte)'<' || !message[1..].StartsWith(name))
        {
            return false;
        }

        var next = message[name.Length + 1];
        return next is (byte)' ' or (byte)'/' or (byte)'>' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbound.Reader;
        var closing = false;
        try
        {
            while (!closing && await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (!closing && reader.TryRead(out var chunk))
                {
                    Interlocked.Add(ref _queuedBytes, -chunk.Length);
                    closing = chunk.Final;
                    var framed = _framer.Convert(chunk.Buffer.AsSpan(0, chunk.Length));
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    if (!framed)
                    {
                        HttpLog.FramingFailed(Host.Logger, TransportName, RemoteAddress);
                        _framer.Clear();
                        closing = true;
                        break;
                    }

                    for (var i = 0; i < _framer.FrameCount; i++)
                    {
                        var frame = _framer.FrameAt(i);
                        closing |= frame.Kind == FrameKind.Close;
                        await _socket.SendAsync(_framer.Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                        Host.Server.Metrics.BytesOut.Add(frame.Length);
                    }

                    _framer.Clear();
                }
            }

            if (closing)
            {
                await CloseSocketAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            HttpLog.SessionFailed(Host.Logger, TransportName, RemoteAddress, ex.Message);
            _abort.Cancel();
        }
        finally
        {
            // Whatever is still queued goes back to the pool.
            while (reader.TryRead(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Buffer);
            }

            _framer.Dispose();
        }
    }

    /// <summary>Starts (or answers) the close handshake; a peer that does not answer within the close timeout is dropped.</summary>
    private async Task CloseSocketAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(Host.Options.CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                _abort.Cancel();
                return;
            }
        }

        if (_socket.State != WebSocketState.Closed)
        {
            // Our close is out; the read loop waits for the peer's, but not forever.
            _ = Task.Delay(Host.Options.CloseTimeout).ContinueWith(static (_, s) => ((CancellationTokenSource)s!).Cancel(), _abort, TaskScheduler.Default);
        }
    }
}
