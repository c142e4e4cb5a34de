using DotNetty.Buffers;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;

namespace HighPerf.Xmpp.Transport.Tls;

public sealed partial class OpenSslTlsHandler
{
    public override void ChannelRead(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer encrypted)
        {
            context.FireChannelRead(message);
            return;
        }

        var connection = _connection;
        if (connection is null || connection.IsDisposed || _failed)
        {
            encrypted.Release();
            return;
        }

        connection.SetInbound(encrypted);
        try
        {
            Process(context, connection);
        }
        catch (Exception exception)
        {
            Fail(context, $"{exception.GetType().Name}: {exception.Message}");
        }
        finally
        {
            if (!connection.IsDisposed)
            {
                connection.SetInbound(null);
            }

            // Ciphertext OpenSSL did not need (after close_notify or an error) is dropped with the buffer.
            encrypted.Release();
        }
    }

    public override void ChannelReadComplete(IChannelHandlerContext context)
    {
        // With auto-read off, a read that only advanced the handshake produced nothing for the next handler,
        // which therefore will not ask for more: ask here or the handshake stalls.
        if (!_firedRead && !context.Channel.Configuration.AutoRead)
        {
            context.Read();
        }

        _firedRead = false;
        context.FireChannelReadComplete();
    }

    private void Process(IChannelHandlerContext context, OpenSslConnection connection)
    {
        if (!connection.IsHandshakeComplete)
        {
            var status = connection.Handshake();
            FlushOutbound(context);
            switch (status)
            {
                case OpenSslStatus.Done:
                    OnHandshakeComplete(context, connection);
                    break;
                case OpenSslStatus.WantRead:
                    return;
                default:
                    Fail(context, connection.LastError ?? "handshake failed");
                    return;
            }
        }

        while (!connection.IsDisposed)
        {
            var status = connection.Read(out var plaintext);

            // A KeyUpdate or similar may have produced output while reading.
            FlushOutbound(context);
            if (plaintext is not null)
            {
                _firedRead = true;
                context.FireChannelRead(plaintext);
            }

            switch (status)
            {
                case OpenSslStatus.Done:
                    continue;
                case OpenSslStatus.WantRead:
                    return;
                case OpenSslStatus.Closed:
                    OnCloseNotify(context, connection);
                    return;
                default:
                    if (!connection.IsDisposed)
                    {
                        Fail(context, connection.LastError ?? "read failed");
                    }

                    return;
            }
        }
    }

    private void OnHandshakeComplete(IChannelHandlerContext context, OpenSslConnection connection)
    {
        _handshakeEventFired = true;
        context.FireUserEventTriggered(TlsHandshakeCompletionEvent.Success);
        if (!connection.IsDisposed)
        {
            WritePending(context, connection);
        }
    }

    private void OnCloseNotify(IChannelHandlerContext context, OpenSslConnection connection)
    {
        TlsLog.CloseNotify(_logger, context.Channel.ToString() ?? "channel");
        if (!connection.IsDisposed)
        {
            connection.Shutdown();
            FlushOutbound(context);
        }

        context.CloseAsync();
    }
}
