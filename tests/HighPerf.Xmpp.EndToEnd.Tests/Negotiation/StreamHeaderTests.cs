using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>
/// RFC 6120 §4.7–§4.9: a bad stream header or bad XML is answered with our own stream header (when not yet
/// sent), the right stream error, &lt;/stream:stream&gt; and a closed connection.
/// </summary>
public sealed class StreamHeaderTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Streams = "xmlns:stream='http://etherx.jabber.org/streams'";

    [Theory]
    [InlineData("example.net")]
    [InlineData("alice@localhost")]
    [InlineData("localhost/res")]
    public async Task Unknown_to_domain_gets_host_unknown(string to)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync($"<?xml version='1.0'?><stream:stream to='{to}' version='1.0' xmlns='jabber:client' {Streams}>");
        await client.ExpectStreamErrorAsync("host-unknown");
    }

    [Fact]
    public async Task Stream_error_before_our_header_is_preceded_by_a_header_from_the_served_domain()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync($"<stream:stream to='example.net' version='1.0' xmlns='jabber:client' {Streams}>");
        var header = await client.NextAsync();
        Assert.Equal(XmppEventKind.StreamOpened, header.Kind);
        Assert.Contains("from='localhost'", header.Xml, StringComparison.Ordinal);
        Assert.Contains("id='", header.Xml, StringComparison.Ordinal);
        await client.ExpectStreamErrorAsync("host-unknown");
    }

    [Fact]
    public async Task Missing_to_picks_the_default_domain()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync($"<stream:stream version='1.0' xmlns='jabber:client' {Streams}>");
        var header = await client.NextAsync();
        Assert.Contains("from='localhost'", header.Xml, StringComparison.Ordinal);
        Assert.Equal(XmppTestClient.Streams + "features", (await client.NextElementAsync()).Name);
    }

    [Theory]
    [InlineData("xmlns='jabber:server' " + Streams)]
    [InlineData("xmlns='urn:example:wrong' " + Streams)]
    [InlineData("xmlns='jabber:client' xmlns:stream='http://example.com/streams'")]
    public async Task Wrong_namespace_gets_invalid_namespace(string namespaces)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync($"<stream:stream to='localhost' version='1.0' {namespaces}>");
        await client.ExpectStreamErrorAsync("invalid-namespace");
    }

    [Theory]
    [InlineData("")]
    [InlineData("version='0.9'")]
    [InlineData("version='0.0'")]
    public async Task Missing_or_old_version_gets_unsupported_version(string version)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync($"<stream:stream to='localhost' {version} xmlns='jabber:client' {Streams}>");
        await client.ExpectStreamErrorAsync("unsupported-version");
    }

    [Theory]
    [InlineData("<stream:stream to='localhost' version='1.0' xmlns='jabber:client' " + Streams + " bad=attribute>")]
    [InlineData("<stream:stream to='localhost' to='localhost' version='1.0' xmlns='jabber:client' " + Streams + ">")]
    [InlineData("<stream:stream to='localhost' version='1.0' xmlns='jabber:client' " + Streams + "></stream:stream2>")]
    [InlineData("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("\u00ff\u00fe<\u0000s")]
    public async Task Bad_xml_before_or_in_the_header_gets_not_well_formed(string input)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync(input);

        // A header that was fine up to its end is answered with features before the bad part is seen.
        await client.ExpectStreamErrorAsync("not-well-formed", skipOthers: true);
    }

    [Theory]
    [InlineData("<!DOCTYPE stream:stream>")]
    [InlineData("<!-- hello -->")]
    [InlineData("<?php echo 1; ?>")]
    public async Task Restricted_xml_before_the_header_gets_restricted_xml(string input)
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync("<?xml version='1.0'?>" + input + Wire.StreamHeader.Replace("<?xml version='1.0'?>", "", StringComparison.Ordinal));
        await client.ExpectStreamErrorAsync("restricted-xml");
    }

    [Theory]
    [InlineData("<!-- hello -->")]
    [InlineData("<?pi data?>")]
    [InlineData("<message to='bob@localhost'><!-- c --><body>x</body></message>")]
    public async Task Restricted_xml_in_the_stream_gets_restricted_xml(string input)
    {
        await using var client = await fixture.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync(input);
        await client.ExpectStreamErrorAsync("restricted-xml");
    }

    [Fact]
    public async Task Entity_reference_other_than_the_predefined_gets_restricted_xml()
    {
        // RFC 6120 §11.1: entity references other than the five predefined ones are restricted XML.
        await using var client = await fixture.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync("<message to='bob@localhost'><body>&custom;</body></message>");
        await client.ExpectStreamErrorAsync("restricted-xml");
    }

    [Fact]
    public async Task Mismatched_tags_after_binding_get_not_well_formed_and_end_the_session()
    {
        await using var client = await fixture.LoginAsync("carol", "mismatch");
        await client.SendAsync("<message to='bob@localhost'><body>hi</message>");
        await client.ExpectStreamErrorAsync("not-well-formed");
        await fixture.Server.WaitUntilUnboundAsync("carol@localhost/mismatch");
    }

    [Fact]
    public async Task Non_utf8_encoding_gets_unsupported_encoding()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendAsync("<?xml version='1.0' encoding='ISO-8859-1'?>" + Wire.StreamHeader.Replace("<?xml version='1.0'?>", "", StringComparison.Ordinal));
        await client.ExpectStreamErrorAsync("unsupported-encoding");
    }

    [Fact]
    public async Task Header_split_into_single_bytes_is_accepted()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SendInChunksAsync(Wire.StreamHeader, 1, TimeSpan.Zero);
        Assert.Equal(XmppEventKind.StreamOpened, (await client.NextAsync()).Kind);
        Assert.Equal(XmppTestClient.Streams + "features", (await client.NextElementAsync()).Name);
    }
}
