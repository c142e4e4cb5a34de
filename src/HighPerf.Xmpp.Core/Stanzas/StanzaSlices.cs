using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>
/// A stanza's bytes with its 'from' and (optionally) 'to' attributes cut out, as up to four slices around
/// the point after the element name where new ones are inserted. Delivering it to a recipient is then one
/// copy of six parts (head, from, to, rest) into the recipient's queue, with nothing assembled in between.
/// </summary>
public readonly ref struct StanzaSlices
{
    private StanzaSlices(ReadOnlySpan<byte> head, ReadOnlySpan<byte> s1, ReadOnlySpan<byte> s2, ReadOnlySpan<byte> s3)
    {
        Head = head;
        S1 = s1;
        S2 = s2;
        S3 = s3;
    }

    /// <summary>From '&lt;' through the element name.</summary>
    public ReadOnlySpan<byte> Head { get; }
    public ReadOnlySpan<byte> S1 { get; }
    public ReadOnlySpan<byte> S2 { get; }
    public ReadOnlySpan<byte> S3 { get; }

    public int Length => Head.Length + S1.Length + S2.Length + S3.Length;

    /// <summary>Slices of <paramref name="element"/> without its 'from' and, when <paramref name="cutTo"/>, its 'to'.</summary>
    public static StanzaSlices Of(in XmlElement element, bool cutTo)
    {
        var raw = element.Raw;
        var nameEnd = element.NameEnd;
        var a = element.From.IsPresent ? element.From : AttributeRange.Absent;
        var b = cutTo && element.To.IsPresent ? element.To : AttributeRange.Absent;
        if (!a.IsPresent)
        {
            (a, b) = (b, AttributeRange.Absent);
        }
        else if (b.IsPresent && b.AttributeStart < a.AttributeStart)
        {
            (a, b) = (b, a);
        }

        if (!a.IsPresent)
        {
            return new StanzaSlices(raw[..nameEnd], raw[nameEnd..], default, default);
        }

        if (!b.IsPresent)
        {
            return new StanzaSlices(raw[..nameEnd], raw[nameEnd..a.AttributeStart], raw[a.AttributeEnd..], default);
        }

        return new StanzaSlices(raw[..nameEnd], raw[nameEnd..a.AttributeStart], raw[a.AttributeEnd..b.AttributeStart], raw[b.AttributeEnd..]);
    }

    /// <summary>Slices of bytes that carry no 'from'/'to' (a stored or pre-encoded stanza).</summary>
    public static StanzaSlices OfClean(ReadOnlySpan<byte> stanza, int nameEnd) => new(stanza[..nameEnd], stanza[nameEnd..], default, default);

    /// <summary>The parts to queue: the stanza with <paramref name="fromAttribute"/> and <paramref name="toAttribute"/> inserted.</summary>
    public OutboundParts With(ReadOnlySpan<byte> fromAttribute, ReadOnlySpan<byte> toAttribute)
        => new(Head, fromAttribute, toAttribute, S1, S2, S3);

    /// <summary>Copies the slices (without from/to) into <paramref name="destination"/>; returns the length.</summary>
    public int CopyTo(Span<byte> destination)
    {
        Head.CopyTo(destination);
        var at = Head.Length;
        S1.CopyTo(destination[at..]);
        at += S1.Length;
        S2.CopyTo(destination[at..]);
        at += S2.Length;
        S3.CopyTo(destination[at..]);
        return at + S3.Length;
    }
}
