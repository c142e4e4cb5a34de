using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;

namespace HighPerf.Xmpp.Transport.Tls;

public sealed partial class OpenSslTlsHandler
{
    /// <summary>
    /// Encrypts the plaintext buffer at once into one pooled buffer and passes that on; the returned task is the
    /// encrypted write's, so it completes when the bytes reach the socket. Before the handshake ends, writes wait.
    /// </summary>
    public override Task WriteAsync(IChannelHandlerContext context, object message)
    {
        if (message is not IByteBuffer plaintext)
        {
            return context.WriteAsync(message);
        }

        var connection = _connection;
        if (connection is null || connection.IsDisposed || _failed)
        {
            plaintext.Release();
            return Task.FromException(new ChannelClosedException("TLS connection closed"));
        }

        if (!connection.IsHandshakeComplete)
        {
            var promise = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_pendingWrites ??= new Queue<PendingWrite>()).Enqueue(new PendingWrite(plaintext, promise));
            return promise.Task;
        }

        return Encrypt(context, connection, plaintext);
    }

    public override Task CloseAsync(IChannelHandlerContext context)
    {
        if (_connection is { IsDisposed: false, IsHandshakeComplete: true } connection && !_failed)
        {
            // close_notify, best effort: the peer learns the stream ended deliberately.
            connection.Shutdown();
            FlushOutbound(context);
        }

        return context.CloseAsync();
    }

    private Task Encrypt(IChannelHandlerContext context, OpenSslConnection connection, IByteBuffer plaintext)
    {
        OpenSslStatus status;
        try
        {
            status = connection.Write(plaintext);
        }
        catch (Exception exception)
        {
            plaintext.Release();
            Fail(context, $"{exception.GetType().Name}: {exception.Message}");
            return Task.FromException(exception);
        }

        plaintext.Release();
        if (status != OpenSslStatus.Done)
        {
            var reason = connection.LastError ?? "write failed";
            Fail(context, reason);
            return Task.FromException(new OpenSslException(reason));
        }

        var encrypted = connection.TakeOutbound();
        return encrypted is null ? Task.CompletedTask : context.WriteAsync(encrypted);
    }

    private void WritePending(IChannelHandlerContext context, OpenSslConnection connection)
    {
        if (_pendingWrites is not { Count: > 0 } queue)
        {
            return;
        }

        while (queue.TryDequeue(out var pending))
        {
            if (connection.IsDisposed || _failed)
            {
                pending.Buffer.Release();
                pending.Promise.TrySetException(new ChannelClosedException("TLS connection closed"));
                continue;
            }

            pending.CompleteFrom(Encrypt(context, connection, pending.Buffer));
        }

        context.Flush();
    }

    private void FailPendingWrites(Exception reason)
    {
        if (_pendingWrites is null)
        {
            return;
        }

        while (_pendingWrites.TryDequeue(out var pending))
        {
            pending.Buffer.Release();
            pending.Promise.TrySetException(reason);
        }
    }

    private readonly record struct PendingWrite(IByteBuffer Buffer, TaskCompletionSource Promise)
    {
        public void CompleteFrom(Task write)
        {
            if (write.IsCompletedSuccessfully)
            {
                Promise.TrySetResult();
                return;
            }

            write.ContinueWith(
                static (task, state) =>
                {
                    var promise = (TaskCompletionSource)state!;
                    if (task.IsCompletedSuccessfully)
                    {
                        promise.TrySetResult();
                    }
                    else if (task.Exception is { } exception)
                    {
                        promise.TrySetException(exception.InnerExceptions);
                    }
                    else
                    {
                        promise.TrySetCanceled();
                    }
                },
                Promise,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
