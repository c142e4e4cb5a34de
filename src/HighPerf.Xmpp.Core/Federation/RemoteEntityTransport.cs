using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// The "connection" of a remote entity's stand-in session: whatever the server writes to it (an iq result, a stanza
/// error, presence) goes to the remote domain over the outbound link of the pair.
/// </summary>
internal sealed class RemoteEntityTransport(OutboundLink link) : ISessionTransport
{
    public bool IsSecure => true;

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress => link.RemoteName;

    public bool Enqueue(scoped in OutboundParts parts) => link.Send(parts);

    public void EnqueueAndClose(scoped in OutboundParts finalBytes)
    {
        // A stand-in has no stream of its own to close.
    }

    public void StartTls()
    {
    }

    public void StartCompression()
    {
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
        => _ = Task.Delay(delay).ContinueWith(static (_, s) =>
        {
            var (work, state) = ((Action<object?>, object?))s!;
            work(state);
        }, (work, state), TaskScheduler.Default);
}
