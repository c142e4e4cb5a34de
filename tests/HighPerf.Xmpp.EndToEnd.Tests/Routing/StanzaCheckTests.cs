using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>Checks before routing (RFC 6120 §8.1): 'from' is the sender's own, 'to' is a valid JID, stanzas are stanzas.</summary>
public sealed class StanzaCheckTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("bob@localhost/phone")]
    [InlineData("bob@localhost")]
    [InlineData("alice@localhost/other-resource")]
    [InlineData("alice@example.net")]
    [InlineData("localhost")]
    [InlineData("not@a@jid")]
    public async Task Spoofed_from_gets_invalid_from_and_ends_the_session(string from)
    {
        await using var alice = await fixture.LoginAsync("alice", "spoof");
        await alice.SendAsync($"<message from='{from}' to='carol@localhost' type='chat'><body>it is me</body></message>");
        await alice.ExpectStreamErrorAsync("invalid-from");
        await fixture.Server.WaitUntilUnboundAsync("alice@localhost/spoof");
    }

    [Theory]
    [InlineData("alice@localhost/own")]
    [InlineData("ALICE@LocalHost/own")]
    [InlineData("alice@localhost")]
    public async Task Own_full_or_bare_from_is_accepted_and_stamped_as_the_full_jid(string from)
    {
        await using var bob = await fixture.LoginAsync("bob", "own-from");
        await using var alice = await fixture.LoginAsync("alice", "own");
        await alice.SendAsync($"<message from='{from}' to='bob@localhost/own-from' type='chat' id='of'><body>me</body></message>");
        var received = await bob.ExpectEventAsync(Wire.Reply("of"));
        Assert.Equal("alice@localhost/own", (string?)received.Element!.Attribute("from"));
        Assert.Equal(1, CountOf(received.Xml, "from="));
    }

    [Theory]
    [InlineData("BOB@LOCALHOST/norm")]
    [InlineData("bob@localhost./norm")]
    [InlineData("bob&#64;localhost/norm")]
    public async Task To_is_normalized_before_routing(string to)
    {
        await using var bob = await fixture.LoginAsync("bob", "norm");
        await using var alice = await fixture.LoginAsync("alice", "norm");
        await alice.SendAsync($"<message to='{to}' type='chat' id='n'><body>found you</body></message>");
        Assert.Equal("found you", (await bob.ExpectAsync(Wire.Reply("n"))).Element(Wire.Client + "body")?.Value);
    }

    [Theory]
    [InlineData("<foo/>")]
    [InlineData("<thing xmlns='urn:example:not-a-stanza'/>")]
    [InlineData("<message xmlns='jabber:server' to='bob@localhost'/>")]
    public async Task Non_stanza_top_level_element_gets_unsupported_stanza_type(string element)
    {
        await using var alice = await fixture.LoginAsync("alice", "not-a-stanza");
        await alice.SendAsync(element);
        await alice.ExpectStreamErrorAsync("unsupported-stanza-type");
    }

    [Fact]
    public async Task Stanza_error_reply_keeps_the_id_and_comes_from_the_original_to()
    {
        await using var alice = await fixture.LoginAsync("alice", "error-shape");
        await alice.SendAsync("<iq to='nobody@localhost/x' type='get' id='a&amp;b'><ping xmlns='urn:xmpp:ping'/></iq>");
        var error = await alice.ExpectAsync(Wire.Named("iq"));
        Assert.Equal("a&b", (string?)error.Attribute("id"));
        Assert.Equal("nobody@localhost/x", (string?)error.Attribute("from"));
        Assert.Equal("alice@localhost/error-shape", (string?)error.Attribute("to"));
        Assert.Equal("cancel", (string?)error.Element(Wire.Client + "error")?.Attribute("type"));
    }

    [Fact]
    public async Task Message_with_xml_lang_and_unknown_extensions_passes_byte_for_byte()
    {
        await using var bob = await fixture.LoginAsync("bob", "ext-target");
        await using var alice = await fixture.LoginAsync("alice", "ext-source");
        const string Body = " to='bob@localhost/ext-target' type='chat' id='ext' xml:lang='fr'><body>salut</body>"
            + "<active xmlns='http://jabber.org/protocol/chatstates'/><x xmlns='urn:example:custom' a='1'><y>z</y></x></message>";
        await alice.SendAsync("<message" + Body);
        var received = await bob.ExpectEventAsync(Wire.Reply("ext"));

        // The recipient's archive (XEP-0313) adds its stanza-id (XEP-0359) as the last child; nothing else changes.
        var stanzaId = (string?)received.Element!.Element((System.Xml.Linq.XNamespace)"urn:xmpp:sid:0" + "stanza-id")?.Attribute("id");
        Assert.NotNull(stanzaId);
        Assert.Equal("<message from='alice@localhost/ext-source'" + Body.Replace("</message>", $"<stanza-id xmlns='urn:xmpp:sid:0' id='{stanzaId}' by='bob@localhost'/></message>", StringComparison.Ordinal), received.Xml);
    }

    private static int CountOf(string text, string value) => text.Split(value).Length - 1;
}
