using System.Buffers;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// "Archived before delivered" (XEP-0313 §5.1): an archivable message between local accounts is appended to the
/// sender's archive (outgoing) and the recipient's (incoming), as their preferences say, and held until the
/// archive's group commit covers both appends; then it goes on, carrying the recipient archive's
/// &lt;stanza-id/&gt;, to the carbons interceptor and the router. So no client ever sees a message a crash could take
/// out of the archive, and a kill -9 after delivery keeps it. Messages to other domains or to services hosted on
/// their own domains (MUC private messages) are not archived. The path allocates nothing: both forms are written
/// into per-thread scratch writers, the appends take spans.
/// </summary>
internal sealed class ArchiveGate(XmppServer server, PreferenceBook preferences, TimeProvider clock) : IDeliveryGate
{
    [ThreadStatic]
    private static PooledBufferWriter? t_archived;

    private readonly IArchiveStore _archive = server.Store.Archive;

    public long Admit(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to, in JidParts toParts, IBufferWriter<byte> routed)
    {
        if (kind != StanzaKind.Message || !ArchivableMessage.IsArchivable(element, StanzaTypes.ParseMessage(element.TypeValue)))
        {
            return 0;
        }

        ReadOnlySpan<byte> recipient;
        ReadOnlySpan<byte> recipientDetail;
        if (to.IsEmpty)
        {
            recipient = recipientDetail = sender.BareJid;
        }
        else if (toParts.HasLocal && server.IsLocalDomain(toParts.Domain(to)))
        {
            recipient = toParts.Bare(to);
            recipientDetail = to;
        }
        else
        {
            return 0;
        }

        // An online recipient exists; only for an offline one is the account record read (it may be on disk by then,
        // and a read from disk allocates).
        var self = recipient.SequenceEqual(sender.BareJid);
        if (!self && !server.Routes.TryGetUser(recipient, out _) && !server.Store.Accounts.TryGet(recipient, out _))
        {
            return 0; // bounced by the router
        }

        var outgoing = preferences.ShouldArchive(sender.BareJid, recipient);
        var incoming = !self && preferences.ShouldArchive(recipient, sender.BareJid);
        if (!outgoing && !incoming)
        {
            return 0;
        }

        var domains = new MessageStamper.ServedDomains(server);
        var archived = t_archived ??= new PooledBufferWriter();
        archived.Reset();
        MessageStamper.WriteArchived(archived, element, sender.FromAttribute, domains);
        var message = archived.WrittenSpan;
        if (message.Length > _archive.MaxMessageBytes)
        {
            return 0;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        long position = 0;
        ArchiveId id = default;
        ReadOnlySpan<byte> by = default;
        if (outgoing)
        {
            var result = _archive.Append(sender.BareJid, recipient, recipientDetail, now, message);
            position = result.Position;
            if (self)
            {
                id = result.Id;
                by = sender.BareJid;
            }
        }

        if (incoming)
        {
            var result = _archive.Append(recipient, sender.BareJid, sender.FullJid, now, message);
            position = Math.Max(position, result.Position);
            id = result.Id;
            by = recipient;
        }

        MessageStamper.WriteRouted(routed, element, domains, id, by);
        return position;
    }

    public bool IsDurable(long position) => _archive.IsDurable(position);

    public bool NotifyWhenDurable(long position, IDurabilityListener listener) => _archive.NotifyWhenDurable(position, listener);
}
