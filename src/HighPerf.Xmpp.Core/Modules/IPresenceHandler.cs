using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// RFC 6121 presence logic (broadcast, probes, subscriptions). The router hands it every presence stanza a
/// client sends; `to` is the normalized 'to' (empty when absent) and
/// `toParts` its parts.
/// </summary>
public interface IPresenceHandler
{
    void HandleOutbound(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts);

    /// <summary>A presence stanza from another server (s2s): <paramref name="sender"/> is the remote entity's stand-in
    /// (<see cref="XmppSession.IsRemote"/>), <paramref name="to"/> a local JID.</summary>
    void HandleRemote(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts toParts);

    /// <summary>
    /// A broadcast presence from <paramref name="sourceFull"/>, a session on another node of the cluster, for
    /// <paramref name="recipient"/> (bound here and available): delivered with the checks a local broadcast makes
    /// (the recipient's blocklist; the session's outbound filter, CSI, applies in its Send).
    /// </summary>
    void DeliverFromNode(ReadOnlySpan<byte> sourceFull, ReadOnlySpan<byte> fromAttribute, scoped in StanzaSlices presence, XmppSession recipient);

    /// <summary>
    /// A probe from <paramref name="proberBare"/>/<paramref name="proberResource"/>, a session that just became
    /// available on node <paramref name="nodeId"/>, for the local user <paramref name="contact"/> (RFC 6121 §4.3.2):
    /// when the prober is a subscriber (or the contact itself), the last presence of each available resource here
    /// goes back over the link.
    /// </summary>
    void AnswerNodeProbe(string nodeId, ReadOnlySpan<byte> proberBare, ReadOnlySpan<byte> proberResource, ReadOnlySpan<byte> contact);
}
