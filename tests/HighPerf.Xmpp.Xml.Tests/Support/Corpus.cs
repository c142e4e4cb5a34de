namespace HighPerf.Xmpp.Xml.Tests.Support;

public static class Corpus
{
    private static byte[]? _client;

    /// <summary>A realistic client stream after authentication (Data/corpus.xml).</summary>
    public static byte[] Client => _client ??= File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "corpus.xml"));

    /// <summary>A short stream with every kind of token, for the every-pair-of-splits test.</summary>
    public const string Dense =
        "\uFEFF<?xml version=\"1.0\" encoding='utf-8'?>\n" +
        "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' xmlns:p='urn:p' to='ex.com' version='1.0'>" +
        "<message to=\"a@b\" xml:lang='fr' p:x='1'><body>é&amp;&#x20AC;€𝄞<![CDATA[<]]]>]></body ><p:e a='&#65;\"'/></message >" +
        " \t\r\n<presence/></s:stream >";
}
