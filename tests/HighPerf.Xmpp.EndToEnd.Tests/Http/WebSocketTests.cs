using System.Net.WebSockets;
using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>XMPP over WebSocket (RFC 7395) against the real Kestrel endpoint, with TCP clients on the other side.</summary>
public sealed class WebSocketTests
{
    private static readonly XNamespace Client = "jabber:client";
    private static readonly XNamespace Streams = "http://etherx.jabber.org/streams";
    private static readonly XNamespace StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";

    /// <summary>Plain ws:// on loopback with tls.required off (as the TCP loopback benchmarks run).</summary>
    internal static void PlainHttp(ServerConfig config)
    {
        config.Http.Enabled = true;
        config.Tls.Required = false;
    }

    [Fact]
    public async Task WebSocket_client_logs_in_with_scram_and_chats_with_a_tcp_client_both_ways()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using var alice = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), "alice", "ws");
        Assert.Equal("alice@localhost/ws", alice.Jid);
        await using var bob = await server.LoginAsync("bob", "tcp");

        await alice.SendAsync("<message xmlns='jabber:client' to='bob@localhost/tcp' type='chat' id='m1'><body>hello from a browser</body></message>");
        var atBob = await bob.ExpectAsync(e => e.Name.LocalName == "message");
        Assert.Equal("alice@localhost/ws", (string?)atBob.Attribute("from"));
        Assert.Equal("hello from a browser", atBob.Element(Client + "body")?.Value);

        await bob.SendAsync("<message to='alice@localhost/ws' type='chat' id='m2'><body>hello &amp; welcome</body></message>");
        var atAlice = await alice.ExpectAsync(e => e.Name == Client + "message");
        Assert.Equal("bob@localhost/tcp", (string?)atAlice.Attribute("from"));
        Assert.Equal("hello & welcome", atAlice.Element(Client + "body")?.Value);
    }

    [Fact]
    public async Task WebSocket_messages_are_standalone_open_features_and_stanzas_with_their_namespaces()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false));
        var (open, features) = await client.OpenAsync();
        Assert.Equal("localhost", (string?)open.Attribute("from"));
        Assert.Equal("1.0", (string?)open.Attribute("version"));
        Assert.False(string.IsNullOrEmpty((string?)open.Attribute("id")));
        // No STARTTLS over HTTP (RFC 7395 §3.4: TLS is the WebSocket's).
        Assert.Null(features.Element(XName.Get("starttls", "urn:ietf:params:xml:ns:xmpp-tls")));
        Assert.Contains(features.Descendants(WebSocketTestClient.Sasl + "mechanism"), m => m.Value == "SCRAM-SHA-256");

        // A stanza before authentication: the stream error arrives as its own standalone message, then <close/>.
        await client.SendAsync("<message xmlns='jabber:client' to='bob@localhost'><body>x</body></message>");
        var error = await client.NextAsync();
        Assert.Equal(Streams + "error", error.Name);
        Assert.NotNull(error.Element(StreamErrors + "not-authorized"));
        Assert.Equal(WebSocketTestClient.Framing + "close", (await client.NextAsync()).Name);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task WebSocket_presence_reaches_a_tcp_client_and_ends_with_unavailable_on_close()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        var alice = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), "alice", "ws");
        try
        {
            await alice.SendAsync("<presence xmlns='jabber:client'/>");
            await alice.SendAsync("<presence xmlns='jabber:client' to='bob@localhost/tcp'><status>in a browser</status></presence>");
            var presence = await bob.ExpectAsync(e => e.Name.LocalName == "presence");
            Assert.Equal("alice@localhost/ws", (string?)presence.Attribute("from"));
            Assert.Null(presence.Attribute("type"));

            // RFC 7395 §3.6: <close/> is answered with <close/>, and the session ends like a TCP one.
            await alice.SendAsync("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
            await alice.ExpectAsync(e => e.Name == WebSocketTestClient.Framing + "close");
            await alice.ExpectClosedAsync();
            var gone = await bob.ExpectAsync(e => e.Name.LocalName == "presence");
            Assert.Equal("unavailable", (string?)gone.Attribute("type"));
            Assert.Equal("alice@localhost/ws", (string?)gone.Attribute("from"));
        }
        finally
        {
            await alice.DisposeAsync();
        }

        // The route is gone: an iq to the old full JID is refused.
        await bob.SendAsync("<iq type='get' id='p1' to='alice@localhost/ws'><ping xmlns='urn:xmpp:ping'/></iq>");
        var reply = await bob.ExpectAsync(Wire.Reply("p1"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(reply));
    }

    [Fact]
    public async Task WebSocket_dropped_without_close_ends_the_session()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        var alice = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), "alice", "ws");
        await alice.SendAsync("<presence xmlns='jabber:client'/>");
        await alice.SendAsync("<presence xmlns='jabber:client' to='bob@localhost/tcp'/>");
        await bob.ExpectAsync(e => e.Name.LocalName == "presence");
        await alice.DisposeAsync(); // close handshake from the client, no <close/>
        var gone = await bob.ExpectAsync(e => e.Name.LocalName == "presence");
        Assert.Equal("unavailable", (string?)gone.Attribute("type"));
    }

    [Fact]
    public async Task WebSocket_over_https_counts_as_secure_so_tls_required_allows_login()
    {
        // Default config: tls.required on. wss:// is TLS, so SASL is offered (PLAIN too) and login works.
        await using var server = await TestServers.StartAsync(c => c.Http.Enabled = true);
        await using (var probe = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpsEndPoint, secure: true)))
        {
            var (_, features) = await probe.OpenAsync();
            Assert.Contains(features.Descendants(WebSocketTestClient.Sasl + "mechanism"), m => m.Value == "PLAIN");
        }

        await using var alice = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpsEndPoint, secure: true), "alice", "wss");
        Assert.Equal("alice@localhost/wss", alice.Jid);
    }

    [Fact]
    public async Task WebSocket_over_plain_http_with_tls_required_offers_no_authentication()
    {
        await using var server = await TestServers.StartAsync(c => c.Http.Enabled = true);
        await using var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false));
        var (_, features) = await client.OpenAsync();
        Assert.Empty(features.Descendants(WebSocketTestClient.Sasl + "mechanism"));
        await client.SendAsync("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
        // Refused: a SASL failure or a stream error, never success.
        var refusal = await client.NextAsync();
        Assert.NotEqual(WebSocketTestClient.Sasl + "success", refusal.Name);
    }

    [Fact]
    public async Task WebSocket_message_over_the_stanza_size_limit_gets_policy_violation()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            PlainHttp(c);
            c.Limits.MaxStanzaBytes = 16 * 1024;
        });
        await using var alice = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), "alice", "ws");
        var body = new string('x', 64 * 1024);
        await alice.SendAsync($"<message xmlns='jabber:client' to='bob@localhost'><body>{body}</body></message>");
        var error = await alice.NextAsync();
        Assert.Equal(Streams + "error", error.Name);
        Assert.NotNull(error.Element(StreamErrors + "policy-violation"));
        Assert.Equal(WebSocketTestClient.Framing + "close", (await alice.NextAsync()).Name);
        await alice.ExpectClosedAsync();
    }

    [Fact]
    public async Task WebSocket_bad_xml_gets_not_well_formed_and_an_unfinished_element_is_refused()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using (var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false)))
        {
            await client.OpenAsync();
            await client.SendAsync("<iq xmlns='jabber:client' type='get' id='a'><query></iq>");
            var error = await client.NextAsync();
            Assert.NotNull(error.Element(StreamErrors + "not-well-formed"));
            await client.ExpectClosedAsync();
        }

        await using (var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false)))
        {
            await client.OpenAsync();
            // RFC 7395 §3.3.3: one complete element per message; half of one is an error, not buffered.
            await client.SendAsync("<iq xmlns='jabber:client' type='get' id='a'>");
            var error = await client.NextAsync();
            Assert.NotNull(error.Element(StreamErrors + "not-well-formed"));
            await client.ExpectClosedAsync();
        }

        await using (var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false)))
        {
            await client.SendRawAsync(Encoding.UTF8.GetBytes("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"), WebSocketMessageType.Binary);
            var first = await client.NextAsync();
            var error = first.Name == Streams + "error" ? first : await client.ExpectAsync(e => e.Name == Streams + "error");
            Assert.NotNull(error.Element(StreamErrors + "bad-format"));
        }
    }

    [Fact]
    public async Task WebSocket_open_for_an_unknown_domain_gets_host_unknown()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await using var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false));
        await client.SendAsync("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.net' version='1.0'/>");
        Assert.Equal(WebSocketTestClient.Framing + "open", (await client.NextAsync()).Name);
        var error = await client.NextAsync();
        Assert.NotNull(error.Element(StreamErrors + "host-unknown"));
        Assert.Equal(WebSocketTestClient.Framing + "close", (await client.NextAsync()).Name);
    }

    [Fact]
    public async Task WebSocket_handshake_without_the_xmpp_subprotocol_is_refused()
    {
        await using var server = await TestServers.StartAsync(PlainHttp);
        await Assert.ThrowsAsync<WebSocketException>(() => WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), subProtocol: null));
    }
}
