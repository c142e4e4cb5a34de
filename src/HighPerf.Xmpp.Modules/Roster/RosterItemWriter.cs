using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>Writes &lt;item/&gt; elements of jabber:iq:roster (RFC 6121 §2.1.2).</summary>
internal static class RosterItemWriter
{
    public static void Write(PooledBufferWriter writer, RosterItemRecord item)
    {
        writer.Write("<item"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, item.Jid);
        if (item.Name is { Length: > 0 } name)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "name"u8, name);
        }

        writer.Write(SubscriptionAttribute(item.Subscription));
        if (item.PendingOut)
        {
            writer.Write(" ask='subscribe'"u8);
        }

        if (item.PreApproved)
        {
            writer.Write(" approved='true'"u8);
        }

        if (item.Groups.Count == 0)
        {
            writer.Write("/>"u8);
            return;
        }

        writer.Write(">"u8);
        foreach (var group in item.Groups)
        {
            writer.Write("<group>"u8);
            EscapingWriter.WriteEscaped(writer, group);
            writer.Write("</group>"u8);
        }

        writer.Write("</item>"u8);
    }

    public static void WriteRemoved(PooledBufferWriter writer, ReadOnlySpan<byte> jid)
    {
        writer.Write("<item"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, jid);
        writer.Write(" subscription='remove'/>"u8);
    }

    private static ReadOnlySpan<byte> SubscriptionAttribute(SubscriptionState state) => state switch
    {
        SubscriptionState.To => " subscription='to'"u8,
        SubscriptionState.From => " subscription='from'"u8,
        SubscriptionState.Both => " subscription='both'"u8,
        _ => " subscription='none'"u8,
    };
}
