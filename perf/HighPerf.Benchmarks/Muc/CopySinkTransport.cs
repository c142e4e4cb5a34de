using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Benchmarks.Muc;

/// <summary>
/// A session transport that copies each queued unit into a fixed buffer and counts it: the cost of a delivered
/// copy without the outbound queue's own bookkeeping (measured by the router benchmarks), so that the figure is
/// the MUC fan-out's alone.
/// </summary>
internal sealed class CopySinkTransport : ISessionTransport
{
    private readonly byte[] _buffer = new byte[16 * 1024];

    public long Bytes { get; private set; }

    public int Units { get; private set; }

    public bool IsSecure => false;

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress => "127.0.0.1";

    public bool Enqueue(scoped in OutboundParts parts)
    {
        var length = parts.Length;
        if (length <= _buffer.Length)
        {
            parts.CopyTo(_buffer);
        }

        Bytes += length;
        Units++;
        return true;
    }

    public void EnqueueAndClose(scoped in OutboundParts finalBytes) => Enqueue(finalBytes);

    public void StartTls() => throw new NotSupportedException();

    public void StartCompression() => throw new NotSupportedException();

    public void Schedule(TimeSpan delay, Action<object?> work, object? state) => throw new NotSupportedException("No timers in the MUC benchmark.");

    public void Reset()
    {
        Bytes = 0;
        Units = 0;
    }
}
