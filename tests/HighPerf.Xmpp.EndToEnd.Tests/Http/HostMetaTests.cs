using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>XEP-0156 discovery documents and CORS on the HTTP listener.</summary>
public sealed class HostMetaTests
{
    private static readonly XNamespace Xrd = "http://docs.oasis-open.org/ns/xri/xrd-1.0";

    [Fact]
    public async Task Host_meta_names_the_websocket_and_bosh_urls_of_the_origin_asked()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        using var http = new HttpClient();
        var origin = $"{server.HttpEndPoint}";

        var xrd = XElement.Parse(await http.GetStringAsync($"http://{origin}/.well-known/host-meta"));
        Assert.Equal(Xrd + "XRD", xrd.Name);
        var links = xrd.Elements(Xrd + "Link").ToDictionary(l => (string)l.Attribute("rel")!, l => (string)l.Attribute("href")!);
        Assert.Equal($"ws://{origin}/xmpp-websocket", links["urn:xmpp:alt-connections:websocket"]);
        Assert.Equal($"http://{origin}/http-bind", links["urn:xmpp:alt-connections:xbosh"]);

        using var json = JsonDocument.Parse(await http.GetStringAsync($"http://{origin}/.well-known/host-meta.json"));
        var jsonLinks = json.RootElement.GetProperty("links").EnumerateArray()
            .ToDictionary(l => l.GetProperty("rel").GetString()!, l => l.GetProperty("href").GetString()!);
        Assert.Equal($"ws://{origin}/xmpp-websocket", jsonLinks["urn:xmpp:alt-connections:websocket"]);
        Assert.Equal($"http://{origin}/http-bind", jsonLinks["urn:xmpp:alt-connections:xbosh"]);

        // The URLs it names work: one BOSH session on the advertised address.
        using var bosh = new BoshTestClient(new Uri(jsonLinks["urn:xmpp:alt-connections:xbosh"]));
        Assert.NotNull((await bosh.CreateAsync(wait: 2)).Attribute("sid"));
    }

    [Fact]
    public async Task Host_meta_over_https_names_secure_urls()
    {
        await using var server = await TestServers.StartAsync(c => c.Http.Enabled = true);
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        var text = await http.GetStringAsync($"https://{server.HttpsEndPoint}/.well-known/host-meta");
        Assert.Contains($"wss://{server.HttpsEndPoint}/xmpp-websocket", text, StringComparison.Ordinal);
        Assert.Contains($"https://{server.HttpsEndPoint}/http-bind", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_preflight_is_answered_for_allowed_origins_only()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            WebSocketTests.PlainHttp(c);
            c.Http.CorsOrigins = ["https://chat.example.org"];
        });
        using var http = new HttpClient();
        var url = $"http://{server.HttpEndPoint}/http-bind";

        using var allowed = new HttpRequestMessage(HttpMethod.Options, url);
        allowed.Headers.Add("Origin", "https://chat.example.org");
        allowed.Headers.Add("Access-Control-Request-Method", "POST");
        using var yes = await http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.NoContent, yes.StatusCode);
        Assert.Equal("https://chat.example.org", yes.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", yes.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);

        using var other = new HttpRequestMessage(HttpMethod.Options, url);
        other.Headers.Add("Origin", "https://evil.example.com");
        using var no = await http.SendAsync(other);
        Assert.False(no.Headers.Contains("Access-Control-Allow-Origin"));

        using var get = await http.GetAsync($"http://{server.HttpEndPoint}/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
