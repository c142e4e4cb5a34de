using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Cluster.Directory;

/// <summary>
/// Keeps this node's bound sessions listed in the <see cref="SessionDirectory"/>: listed at bind (not available yet),
/// updated by each broadcast presence (its priority, available or not), taken off when the session ends. Wired by the
/// host when cluster.enabled is set; the stop handler leaves the directory so that the other nodes need not wait for
/// the TTL.
/// </summary>
public sealed class DirectoryModule(SessionDirectory directory) : IXmppModule, ISessionObserver, IStanzaInterceptor
{
    public string Name => "cluster-directory";

    public SessionDirectory Directory => directory;

    /// <summary>The node links, when configured: a bind of a full JID another node lists ends the session there.</summary>
    public NodeLinks? Links { get; set; }

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddSessionObserver(this);
        registry.AddInterceptor(this);
        registry.AddStopHandler(() => directory.DisposeAsync().AsTask().GetAwaiter().GetResult());
        directory.Reconnected += () => Relist(server);
    }

    /// <summary>After an engine outage (what was written then is lost): every session bound here, listed again as it is now.</summary>
    private void Relist(XmppServer server)
    {
        foreach (var user in server.Routes.Users)
        {
            foreach (var session in user.Sessions)
            {
                directory.Publish(session.BareJid, session.Resource, session.Priority, session.IsAvailable);
            }
        }
    }

    public void OnBound(XmppSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (Links is { } links)
        {
            // RFC 6120 §7.7.2.2 across nodes: the newer bind wins, as it does for two sessions on one node.
            foreach (var listed in directory.Lookup(session.BareJid, cache: false))
            {
                if (listed.NodeId != links.NodeId && listed.Resource.AsSpan().SequenceEqual(session.Resource))
                {
                    links.SendKick(listed.NodeId, session.BareJid, session.Resource);
                }
            }
        }

        directory.Publish(session.BareJid, session.Resource, 0, available: false);
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
        ArgumentNullException.ThrowIfNull(session);
        directory.Remove(session.BareJid, session.Resource);
    }

    /// <summary>Broadcast presence (no 'to') says what the directory lists; everything passes on unchanged.</summary>
    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        ArgumentNullException.ThrowIfNull(sender);
        if (kind != StanzaKind.Presence || !to.IsEmpty)
        {
            return true;
        }

        var type = StanzaTypes.ParsePresence(element.TypeValue, element.Type.IsPresent);
        if (type == PresenceType.Available)
        {
            directory.Publish(sender.BareJid, sender.Resource, PresenceReader.ReadPriority(element.Raw), available: true);
        }
        else if (type == PresenceType.Unavailable)
        {
            directory.Publish(sender.BareJid, sender.Resource, sender.Priority, available: false);
        }

        return true;
    }
}
