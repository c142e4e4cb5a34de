using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Carbons;

/// <summary>
/// XEP-0280 message carbons. A resource turns them on or off with an iq set of &lt;enable/&gt; or &lt;disable/&gt;
/// (to its own account or the server). Then it gets a &lt;sent/&gt; copy of each eligible message another of
/// the user's resources sends (seen as a client stanza, before routing), and a &lt;received/&gt; copy of each
/// eligible message delivered to another of the user's resources (told by the router after delivery),
/// unless it received the message itself. Messages between one's own resources are not copied. While no
/// resource of the user has carbons on, both paths end after a look at the user's (few) sessions. In a cluster
/// the carbon is composed once on the node that sees the message and sent as one frame to each other node where
/// the user has a session (see <see cref="Core.Cluster.NodeCarbonFrame"/>): that node does not know which of them
/// have carbons on.
/// </summary>
public sealed class CarbonsModule : IXmppModule, IIqHandler, IStanzaInterceptor, IMessageDeliveryObserver
{
    public string Name => "carbons";

    private XmppServer? _server;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _server = server;
        registry.AddIqHandler(CarbonEligibility.Namespace, "enable"u8, IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddIqHandler(CarbonEligibility.Namespace, "disable"u8, IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddFeature("urn:xmpp:carbons:2");
        registry.AddInterceptor(this);
        registry.AddMessageDeliveryObserver(this);
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Set)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        request.Session.CarbonsEnabled = request.Payload.LocalName.SequenceEqual("enable"u8);
        request.ReplyResult();
    }

    /// <summary>Sent carbons (XEP-0280 §5): before the message is routed.</summary>
    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        var user = sender.User;
        if (kind != StanzaKind.Message || user is null || to.IsEmpty || (_server?.Cluster is null && !AnyOtherEnabled(user, sender)))
        {
            return true;
        }

        var bareLength = to.IndexOf((byte)'/');
        var toBare = bareLength < 0 ? to : to[..bareLength];
        var type = StanzaTypes.ParseMessage(element.TypeValue);
        if (toBare.SequenceEqual(sender.BareJid) || !CarbonEligibility.IsEligible(element, type))
        {
            return true;
        }

        if (_server?.Cluster is { } cluster)
        {
            // The user's other resources may be on other nodes, with carbons on or not: each node copies to its own.
            if (!cluster.HasSessionsElsewhere(sender.BareJid))
            {
                if (AnyOtherEnabled(user, sender))
                {
                    CarbonCopier.Send(element, sender.FromAttribute, user, sent: true, new AllBut(sender));
                }

                return true;
            }

            CarbonCopier.Send(element, sender.FromAttribute, sender.BareJid, user, sent: true, new AllBut(sender), cluster, sender.Resource, int.MinValue);
            return true;
        }

        CarbonCopier.Send(element, sender.FromAttribute, user, sent: true, new AllBut(sender));
        return true;
    }

    /// <summary>Received carbons in a cluster: for the recipient's sessions here and on the other nodes.</summary>
    public void OnClusterMessageDelivered(XmppSession sender, in XmlElement element, MessageType type, ReadOnlySpan<byte> recipientBare,
        LocalUser? recipient, ReadOnlySpan<byte> fullJidResource)
    {
        ArgumentNullException.ThrowIfNull(sender);
        if (sender.BareJid.SequenceEqual(recipientBare) || _server?.Cluster is not { } cluster)
        {
            return;
        }

        var elsewhere = cluster.HasSessionsElsewhere(recipientBare);
        if ((!elsewhere && (recipient is null || !AnyOtherEnabled(recipient, null))) || !CarbonEligibility.IsEligible(element, type))
        {
            return;
        }

        var remote = elsewhere ? cluster : null;
        if (!fullJidResource.IsEmpty)
        {
            // The target is here (left out by reference) or on another node (which leaves it out itself).
            var target = recipient?.FindByResource(fullJidResource);
            CarbonCopier.Send(element, sender.FromAttribute, recipientBare, recipient, sent: false, new AllBut(target), remote, fullJidResource, int.MinValue);
            return;
        }

        // The bare-JID rule chose the highest priority over all nodes: each node leaves out the sessions it reached.
        var best = Math.Max(recipient is null ? int.MinValue : Router.HighestPriority(recipient.Sessions), cluster.HighestRemotePriority(recipientBare));
        CarbonCopier.Send(element, sender.FromAttribute, recipientBare, recipient, sent: false, new NotBareTarget(best), remote, default, best);
    }

    /// <summary>Received carbons (XEP-0280 §4): after the router delivered the message.</summary>
    public void OnMessageDelivered(XmppSession sender, in XmlElement element, MessageType type, LocalUser recipient, XmppSession? fullJidTarget)
    {
        if (!AnyOtherEnabled(recipient, fullJidTarget) || sender.BareJid.SequenceEqual(recipient.BareJid))
        {
            return;
        }

        if (!CarbonEligibility.IsEligible(element, type))
        {
            return;
        }

        if (fullJidTarget is not null)
        {
            CarbonCopier.Send(element, sender.FromAttribute, recipient, sent: false, new AllBut(fullJidTarget));
        }
        else
        {
            CarbonCopier.Send(element, sender.FromAttribute, recipient, sent: false, new NotBareTarget(Router.HighestPriority(recipient.Sessions)));
        }
    }

    private static bool AnyOtherEnabled(LocalUser user, XmppSession? except)
    {
        foreach (var session in user.Sessions)
        {
            if (session != except && session.CarbonsEnabled)
            {
                return true;
            }
        }

        return false;
    }

    private readonly struct AllBut(XmppSession? excluded) : CarbonCopier.ITargetFilter
    {
        public bool Accepts(XmppSession session) => session != excluded;
    }

    /// <summary>The sessions that did not get the bare-JID message itself (RFC 6121 §8.5.2.1.1).</summary>
    private readonly struct NotBareTarget(int best) : CarbonCopier.ITargetFilter
    {
        public bool Accepts(XmppSession session) => !Router.IsBareMessageTarget(session, best);
    }
}
