using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Routing;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// XEP-0280 carbons composed on another node (where the message was sent or routed): each of the owner's sessions
/// here with carbons on gets one copy with its own 'to', except the resource named in the frame and, for a message
/// delivered by the bare-JID rule, the sessions that rule reached (they have the message itself).
/// </summary>
public sealed partial class ClusterDelivery
{
    /// <summary>A <see cref="NodeFrame.Carbon"/> frame's payload.</summary>
    public void OnCarbon(ReadOnlySpan<byte> payload)
    {
        if (!NodeFrame.TryReadAddressed(payload, out var owner, out var excluded, out var body)
            || !NodeCarbonFrame.TryRead(body, out var bareBest, out var head, out var rest)
            || !server.Routes.TryGetUser(owner, out var user))
        {
            return;
        }

        foreach (var session in user.Sessions)
        {
            if (!session.CarbonsEnabled || (!excluded.IsEmpty && session.Resource.SequenceEqual(excluded))
                || (bareBest != int.MinValue && Router.IsBareMessageTarget(session, bareBest)))
            {
                continue;
            }

            session.Send(new OutboundParts(head, session.ToAttribute, rest));
        }
    }
}
