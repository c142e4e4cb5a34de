using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// The transport of a session whose connection dropped while it waits for a XEP-0198 resume. Holding this
/// instead of the dead connection lets the connection (channel, pipeline, TLS state) be collected: a detached
/// session keeps only its own state and its unacknowledged bytes. Stanzas "sent" here are already in the
/// session's unacked queue and go out on resume.
/// </summary>
internal sealed class DetachedTransport : ISessionTransport
{
    public static readonly DetachedTransport Instance = new();

    private DetachedTransport()
    {
    }

    public bool IsSecure => true;

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress => "detached";

    public bool Enqueue(scoped in OutboundParts parts) => true;

    public void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
    }

    public void StartTls()
    {
    }

    public void StartCompression()
    {
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
    {
        if (delay <= TimeSpan.Zero)
        {
            ThreadPool.UnsafeQueueUserWorkItem(work, state, preferLocal: false);
            return;
        }

        Timer? timer = null;
        timer = new Timer(
            _ =>
            {
                timer?.Dispose();
                work(state);
            },
            null,
            delay,
            Timeout.InfiniteTimeSpan);
    }
}
