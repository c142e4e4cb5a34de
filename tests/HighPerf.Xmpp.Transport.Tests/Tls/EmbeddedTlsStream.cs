using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>
/// A synchronous Stream that lets a client <see cref="System.Net.Security.SslStream"/> talk to a TLS handler in an
/// <see cref="EmbeddedChannel"/> on the test thread: writes go in as inbound buffers (optionally one byte each),
/// reads drain the channel's outbound buffers. Lockstep works because the server answers every complete flight
/// before the client reads.
/// </summary>
internal sealed class EmbeddedTlsStream(EmbeddedChannel channel, IByteBufferAllocator allocator) : Stream
{
    private readonly Queue<byte> _pending = new();

    /// <summary>Bytes the client still writes one at a time (the first records, split at every byte).</summary>
    public int SplitBytesRemaining { get; set; }

    /// <summary>Plaintext sent in the same inbound buffer before the client's first TLS bytes (pipelined STARTTLS).</summary>
    public byte[]? FirstWritePrefix { get; set; }

    /// <summary>Plaintext the server sends before its first TLS bytes (&lt;proceed/&gt;), checked and removed.</summary>
    public byte[]? ExpectedPlaintextPrefix { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (FirstWritePrefix is { } prefix)
        {
            FirstWritePrefix = null;
            var combined = prefix.Concat(buffer.Skip(offset).Take(count)).ToArray();
            (buffer, offset, count) = (combined, 0, combined.Length);
            var first = allocator.Buffer(combined.Length);
            first.WriteBytes(combined);
            channel.WriteInbound(first);
            return;
        }

        while (count > 0 && channel.Active)
        {
            var chunk = SplitBytesRemaining > 0 ? 1 : count;
            SplitBytesRemaining -= Math.Min(SplitBytesRemaining, chunk);
            var message = allocator.Buffer(chunk);
            message.WriteBytes(buffer, offset, chunk);
            channel.WriteInbound(message);
            offset += chunk;
            count -= chunk;
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Drain();
        var n = 0;
        while (n < count && _pending.TryDequeue(out var b))
        {
            buffer[offset + n++] = b;
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Drain()
    {
        channel.RunPendingTasks();
        while (channel.ReadOutbound<object>() is { } message)
        {
            if (message is IByteBuffer encrypted)
            {
                // Bulk copy: at Paranoid leak detection every buffer access records a stack trace.
                var bytes = new byte[encrypted.ReadableBytes];
                encrypted.ReadBytes(bytes);
                foreach (var b in bytes)
                {
                    _pending.Enqueue(b);
                }

                encrypted.Release();
            }
        }

        if (ExpectedPlaintextPrefix is { } expected && _pending.Count >= expected.Length)
        {
            ExpectedPlaintextPrefix = null;
            var actual = new byte[expected.Length];
            for (var i = 0; i < actual.Length; i++)
            {
                actual[i] = _pending.Dequeue();
            }

            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
        }
    }
}
