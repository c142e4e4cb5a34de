using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>
/// XEP-0191 §3.3 on every addressed client stanza, before routing. Outbound: a stanza to a JID the sender
/// blocked is refused with not-acceptable + &lt;blocked/&gt; (errors and iq results are dropped). Inbound: a stanza
/// to a local account that blocked the sender is not delivered; an iq get/set gets service-unavailable (as if
/// the account did not exist), anything else is dropped without a word, so that the block is not revealed.
/// While both lists are empty the checks are two snapshot reads.
/// </summary>
internal sealed class BlockingInterceptor(Blocklists lists) : IStanzaInterceptor
{
    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        var user = sender.User;
        if (to.IsEmpty || user is null)
        {
            return true; // to the sender's own account
        }

        var isLocalAccount = lists.IsLocalAccountAddress(to, out var parts);
        var bare = parts.Bare(to);
        if (isLocalAccount && bare.SequenceEqual(sender.BareJid))
        {
            return true; // between one's own resources
        }

        if (!parts.HasLocal && !parts.HasResource && lists.Server.IsLocalDomain(to))
        {
            return true; // the server itself answers whatever its users block
        }

        var isError = element.TypeValue.SequenceEqual(XmppNames.Error);
        if (lists.Of(user).Blocks(to))
        {
            if (!isError && !(kind == StanzaKind.Iq && element.TypeValue.SequenceEqual(XmppNames.Result)))
            {
                RefuseBlocked(sender, element, to);
            }

            return false;
        }

        if (isLocalAccount && lists.AccountBlocks(bare, sender.FullJid))
        {
            if (kind == StanzaKind.Iq && (element.TypeValue.SequenceEqual(XmppNames.Get) || element.TypeValue.SequenceEqual(XmppNames.Set)))
            {
                sender.SendError(element, StanzaErrorCondition.ServiceUnavailable, to);
            }

            return false;
        }

        return true;
    }

    private static void RefuseBlocked(XmppSession sender, in XmlElement element, ReadOnlySpan<byte> to)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<"u8);
        writer.Write(element.LocalName);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, to);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, sender.FullJid);
        writer.Write(" type='error'"u8);
        if (element.Id.IsPresent)
        {
            EscapingWriter.WriteAttribute(writer, XmppNames.Id, element.IdValue);
        }

        writer.Write(">"u8);
        writer.Write(BlockingNames.BlockedError);
        writer.Write("</"u8);
        writer.Write(element.LocalName);
        writer.Write(">"u8);
        sender.Send(writer.WrittenSpan);
    }
}
