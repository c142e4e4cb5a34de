using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// The two byte forms of an archived message, written without a DOM. The archived form is the message as its
/// recipient sees it: the sender's 'from' stamped and jabber:client declared (it is later embedded in a
/// &lt;forwarded/&gt;, which would otherwise give it urn:xmpp:forward:0). The routed form is the message as sent, with
/// a &lt;stanza-id/&gt; (XEP-0359) from the recipient's archive as its last child. Both drop any &lt;stanza-id/&gt; the
/// sender put in whose 'by' is one of our domains' JIDs (XEP-0359 §5: only the archive may claim its ids).
/// </summary>
internal static class MessageStamper
{
    public static void WriteArchived(IBufferWriter<byte> writer, in XmlElement element, ReadOnlySpan<byte> fromAttribute, ServedDomains domains)
    {
        var raw = element.Raw;
        Write(writer, raw[..element.NameEnd]);
        if (!DeclaresDefaultNamespace(element))
        {
            Write(writer, " xmlns='jabber:client'"u8);
        }

        Write(writer, fromAttribute);
        var startTag = raw[element.NameEnd..element.StartTagEnd];
        if (element.From.IsPresent)
        {
            Write(writer, raw[element.NameEnd..element.From.AttributeStart]);
            Write(writer, raw[element.From.AttributeEnd..element.StartTagEnd]);
        }
        else
        {
            Write(writer, startTag);
        }

        WriteContent(writer, element, domains, default, default);
    }

    /// <summary>The message as sent, with our stanza-id added when <paramref name="by"/> is not empty.</summary>
    public static void WriteRouted(IBufferWriter<byte> writer, in XmlElement element, ServedDomains domains, ArchiveId id, ReadOnlySpan<byte> by)
    {
        Write(writer, element.Raw[..element.StartTagEnd]);
        WriteContent(writer, element, domains, id, by);
    }

    // Children and text, minus claimed stanza-ids, then our stanza-id, then the end tag.
    private static void WriteContent(IBufferWriter<byte> writer, in XmlElement element, ServedDomains domains, ArchiveId id, ReadOnlySpan<byte> by)
    {
        var raw = element.Raw;
        var endTag = raw.LastIndexOf("</"u8);
        var at = element.StartTagEnd;
        var reader = XmlElementReader.Create(raw, XmppNames.NsClient);
        foreach (var child in reader.GetChildren())
        {
            if (!child.Is("stanza-id"u8, MamNames.Sid) || !child.TryGetAttribute("by"u8, out var claimedBy) || !domains.IsOurs(claimedBy))
            {
                continue;
            }

            var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(raw), ref MemoryMarshal.GetReference(child.Raw));
            Write(writer, raw[at..start]);
            at = start + child.Raw.Length;
        }

        Write(writer, raw[at..endTag]);
        if (!by.IsEmpty)
        {
            Write(writer, "<stanza-id xmlns='urn:xmpp:sid:0' id='"u8);
            id.Format(writer.GetSpan(ArchiveId.TextLength));
            writer.Advance(ArchiveId.TextLength);
            Write(writer, "'"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "by"u8, by);
            Write(writer, "/>"u8);
        }

        Write(writer, raw[endTag..]);
    }

    private static bool DeclaresDefaultNamespace(in XmlElement element)
    {
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsClient);
        foreach (var attribute in reader.GetAttributes())
        {
            if (attribute.Prefix.IsEmpty && attribute.LocalName.SequenceEqual("xmlns"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    /// <summary>Which 'by' values name one of our archives: a JID at a served domain.</summary>
    public readonly struct ServedDomains(Core.Hosting.XmppServer server)
    {
        public bool IsOurs(ReadOnlySpan<byte> rawJid)
        {
            Span<byte> jid = stackalloc byte[JidNormalizer.MaxJidBytes];
            return JidText.TryNormalize(rawJid, jid, out var length, out var parts) && server.IsLocalDomain(parts.Domain(jid[..length]));
        }
    }
}
