using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Carbons;

/// <summary>
/// Builds a carbon (XEP-0280 §4, §5) by bytes: the wrapper
/// <c>&lt;message from='bare' type='…'&gt;&lt;sent|received xmlns='urn:xmpp:carbons:2'&gt;&lt;forwarded xmlns='urn:xmpp:forward:0'&gt;original&lt;/forwarded&gt;…</c>
/// is composed once (the original with its 'from' stamped and jabber:client declared, since inside
/// &lt;forwarded/&gt; it would otherwise inherit urn:xmpp:forward:0), then each target gets one copy of it with
/// its own 'to' inserted. The per-thread scratch writer holds it: nothing is allocated.
/// </summary>
internal static class CarbonCopier
{
    /// <summary>Sends the carbon to each session of <paramref name="owner"/> that <paramref name="isTarget"/> accepts.</summary>
    public static void Send<TFilter>(in XmlElement element, ReadOnlySpan<byte> originalFrom, LocalUser owner, bool sent, TFilter isTarget)
        where TFilter : struct, ITargetFilter
        => Send(element, originalFrom, owner.BareJid, owner, sent, isTarget, null, default, int.MinValue);

    /// <summary>
    /// As above for an owner whose sessions may also be on other nodes: the local ones (<paramref name="owner"/>, null
    /// when none is here) through <paramref name="isTarget"/>, the others through <paramref name="cluster"/>, where each
    /// node skips <paramref name="excludedResource"/> and, unless <paramref name="bareBest"/> is int.MinValue, the
    /// sessions the bare-JID rule reached.
    /// </summary>
    public static void Send<TFilter>(in XmlElement element, ReadOnlySpan<byte> originalFrom, ReadOnlySpan<byte> ownerBare, LocalUser? owner, bool sent,
        TFilter isTarget, IClusterRoutes? cluster, ReadOnlySpan<byte> excludedResource, int bareBest)
        where TFilter : struct, ITargetFilter
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<message"u8);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, ownerBare);
        if (element.Type.IsPresent)
        {
            EscapingWriter.WriteAttribute(writer, XmppNames.Type, element.TypeValue);
        }

        var headLength = writer.WrittenCount;
        writer.Write(sent
            ? "><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"u8
            : "><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"u8);
        var slices = StanzaSlices.Of(element, cutTo: false);
        writer.Write(slices.Head);
        if (!DeclaresDefaultNamespace(element))
        {
            writer.Write(" xmlns='jabber:client'"u8);
        }

        writer.Write(originalFrom);
        writer.Write(slices.S1);
        writer.Write(slices.S2);
        writer.Write(slices.S3);
        writer.Write(sent ? "</forwarded></sent></message>"u8 : "</forwarded></received></message>"u8);

        var head = writer.WrittenSpan[..headLength];
        var rest = writer.WrittenSpan[headLength..];
        if (owner is not null)
        {
            foreach (var session in owner.Sessions)
            {
                if (session.CarbonsEnabled && isTarget.Accepts(session))
                {
                    session.Send(new OutboundParts(head, session.ToAttribute, rest));
                }
            }
        }

        cluster?.SendCarbon(ownerBare, excludedResource, bareBest, head, rest);
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

    /// <summary>Which of the owner's carbons-enabled sessions get the copy (a struct: no delegate per message).</summary>
    public interface ITargetFilter
    {
        bool Accepts(XmppSession session);
    }
}
