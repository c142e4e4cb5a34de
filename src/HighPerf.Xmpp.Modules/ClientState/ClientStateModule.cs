using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.ClientState;

/// <summary>
/// XEP-0352 client state indication: the &lt;csi/&gt; stream feature after authentication; &lt;inactive/&gt; puts an
/// <see cref="InactiveQueue"/> in front of the session's transport, &lt;active/&gt; sends what it held and removes
/// it. Chat-state-only messages are held (coalesced to the latest per sender), not dropped: a client that
/// wakes up then shows the sender's current state rather than a stale "composing", and nothing a client
/// might rely on disappears. The queue sits before XEP-0198 counting, so held stanzas are not yet unacked.
/// </summary>
public sealed class ClientStateModule : IXmppModule, IStreamFeatureProvider, IStreamElementHandler, ISessionObserver
{
    /// <summary>Bytes held per inactive session before it is flushed anyway (the buffer is pooled and grows to this).</summary>
    public const int MaxHeldBytes = 256 * 1024;

    /// <summary>Stanzas held per inactive session before it is flushed anyway.</summary>
    public const int MaxHeldStanzas = 2048;

    private static ReadOnlySpan<byte> Namespace => "urn:xmpp:csi:0"u8;

    public string Name => "csi";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddStreamFeatures(this);
        registry.AddStreamElementHandler(Namespace, this);
        registry.AddSessionObserver(this);
    }

    public void WriteFeatures(XmppSession session, PooledBufferWriter writer) => writer.Write("<csi xmlns='urn:xmpp:csi:0'/>"u8);

    public bool HandleElement(XmppSession session, in XmlElement element)
    {
        var name = element.LocalName;
        if (name.SequenceEqual("inactive"u8))
        {
            if (session.OutboundFilter is not InactiveQueue)
            {
                var localpart = session.BareJid[..Math.Max(0, session.BareJid.IndexOf((byte)'@'))];
                session.SetOutboundFilter(new InactiveQueue(MaxHeldBytes, MaxHeldStanzas, localpart.ToArray()));
            }
        }
        else if (name.SequenceEqual("active"u8))
        {
            if (session.OutboundFilter is InactiveQueue queue)
            {
                // Remove first, then flush: a delivery racing with us either went into the queue (flushed now)
                // or finds the queue closed and passes through.
                session.SetOutboundFilter(null);
                queue.Flush(session, close: true);
            }
        }

        // Anything else in the namespace is not defined; XEP-0352 has no error for it, so it is ignored.
        return true;
    }

    public void OnBound(XmppSession session)
    {
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
        if (session.OutboundFilter is InactiveQueue queue)
        {
            session.SetOutboundFilter(null);
            queue.Discard();
            queue.Flush(session, close: true); // nothing left to send; returns the pooled buffers
        }
    }
}
