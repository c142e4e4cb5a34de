using HighPerf.Xmpp.Xml.Tests.Support;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Tokenizer;

public class SmokeTests
{
    [Fact]
    public void Minimal_stream_gives_open_element_close()
    {
        var result = Tokenize.Whole("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'> <message to='a@b' id='1'><body>hi &amp; bye</body></message> </stream:stream>");
        Assert.Equal(XmlStreamError.None, result.Error);
        Assert.Equal(3, result.Events.Count);
        Assert.Contains("to=example.com", result.Events[0], StringComparison.Ordinal);
        Assert.Contains("local=message ns=jabber:client", result.Events[1], StringComparison.Ordinal);
        Assert.Equal("close", result.Events[2]);
    }
}
