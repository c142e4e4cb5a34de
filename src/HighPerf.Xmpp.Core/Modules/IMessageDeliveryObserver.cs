using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Told after the router delivered a client's message to sessions of a local user (e.g. XEP-0280 carbons,
/// which copy it to the user's other resources). Runs on the sender's loop for every delivered message, so
/// an implementation returns at once (allocation-free) when it has nothing to do.
/// </summary>
public interface IMessageDeliveryObserver
{
    /// <param name="fullJidTarget">The one session the message was addressed to by full JID; null when it was
    /// delivered by the bare-JID rule (<see cref="Router.IsBareMessageTarget"/>).</param>
    void OnMessageDelivered(XmppSession sender, in XmlElement element, MessageType type, LocalUser recipient, XmppSession? fullJidTarget);

    /// <summary>
    /// In a cluster (instead of <see cref="OnMessageDelivered"/>): a message for <paramref name="recipientBare"/> was
    /// delivered to sessions here, on other nodes, or both.
    /// </summary>
    /// <param name="recipient">The user's routing entry here; null when none of its sessions is on this node.</param>
    /// <param name="fullJidResource">The full-JID target's resource (its session here or on another node); empty when
    /// the message went by the bare-JID rule.</param>
    void OnClusterMessageDelivered(XmppSession sender, in XmlElement element, MessageType type, ReadOnlySpan<byte> recipientBare,
        LocalUser? recipient, ReadOnlySpan<byte> fullJidResource);
}
