using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// Under the stand-in session of an occupant bound on another node (the room lives here): what the room sends it goes
/// over the node link to that node, which delivers it to the session as a local stanza. Once the node is dead nothing
/// is sent (the room is evicting its occupants).
/// </summary>
internal sealed class RemoteOccupantTransport(IRoomPlacement placement, string nodeId, byte[] bareJid, byte[] resource, byte[] fullJid) : ISessionTransport
{
    private volatile bool _dead;

    /// <summary>The node the occupant's session is bound on.</summary>
    public string NodeId => nodeId;

    /// <summary>The occupant's full JID (the key it is registered under).</summary>
    public byte[] FullJid => fullJid;

    public bool IsSecure => true;

    public bool CanStartTls => false;

    public bool IsCompressed => false;

    public string RemoteAddress => nodeId;

    /// <summary>The node died: nothing more goes there.</summary>
    public void MarkDead() => _dead = true;

    public bool Enqueue(scoped in OutboundParts parts) => !_dead && placement.SendTo(nodeId, bareJid, resource, parts);

    public void EnqueueAndClose(scoped in OutboundParts finalBytes) => Enqueue(finalBytes);

    public void StartTls()
    {
    }

    public void StartCompression()
    {
    }

    public void Schedule(TimeSpan delay, Action<object?> work, object? state)
        => _ = Task.Delay(delay).ContinueWith(static (_, s) =>
        {
            var (action, argument) = ((Action<object?>, object?))s!;
            action(argument);
        }, (work, state), TaskScheduler.Default);
}
