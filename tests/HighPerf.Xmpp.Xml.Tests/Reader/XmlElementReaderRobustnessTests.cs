using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tests.Support;

namespace HighPerf.Xmpp.Xml.Tests.Reader;

public class XmlElementReaderRobustnessTests
{
    [Fact]
    public void Every_api_on_mutated_stanzas_and_their_truncations_never_throws()
    {
        var random = new Random(11);
        var stanza = Tokenize.Bytes("<iq type='result' id='x'><query xmlns='jabber:iq:roster' xmlns:p='urn:p'><p:item jid='a@b' p:name='A &amp; B'><group>G&#x41;<![CDATA[<]]></group><?pi?><!--c--></p:item><item jid='c@d'/></query></iq>");
        Span<byte> text = stackalloc byte[256];

        for (var run = 0; run < 3000; run++)
        {
            var mutant = (byte[])stanza.Clone();
            for (var i = 0; i < 1 + random.Next(4); i++)
            {
                mutant[random.Next(mutant.Length)] = "<>/='\"&;:![]?x \0\u00ff"u8[random.Next(18)];
            }

            var length = random.Next(2) == 0 ? mutant.Length : random.Next(mutant.Length + 1);
            Exercise(XmlElementReader.Create(mutant.AsSpan(0, length), "jabber:client"u8), text, depth: 0);
        }
    }

    private static void Exercise(XmlElementReader reader, Span<byte> text, int depth)
    {
        _ = reader.Raw.Length + reader.LocalName.Length + reader.Namespace.Length + reader.InnerRaw.Length + reader.Prefix.Length;
        reader.TryGetAttribute("jid"u8, out _);
        reader.TryGetAttribute("name"u8, "urn:p"u8, out _);
        reader.TryGetAttribute("lang"u8, "http://www.w3.org/XML/1998/namespace"u8, out _);
        foreach (var attribute in reader.GetAttributes())
        {
            _ = attribute.IsNamespaceDeclaration;
            XmlEscaping.TryUnescape(attribute.RawValue, text, out _);
        }

        Assert.True(reader.GetTextLength() >= 0);
        reader.TryGetText(text, out _);
        reader.TryGetChild("item"u8, "urn:p"u8, out _);
        if (depth < 8)
        {
            foreach (var child in reader.GetChildren())
            {
                Exercise(child, text, depth + 1);
            }
        }
    }
}
