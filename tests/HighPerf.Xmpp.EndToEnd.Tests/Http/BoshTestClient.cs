using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>
/// A XEP-0124/0206 client on <see cref="HttpClient"/> that sends one request at a time (unless a test sends several
/// itself with <see cref="PostAsync"/>), so each response answers the request just sent or comes after 'wait'.
/// </summary>
public sealed class BoshTestClient : IDisposable
{
    public static readonly XNamespace HttpBind = "http://jabber.org/protocol/httpbind";
    public static readonly XNamespace XBosh = "urn:xmpp:xbosh";
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static readonly XNamespace Bind = "urn:ietf:params:xml:ns:xmpp-bind";
    public static readonly XNamespace Client = "jabber:client";

    private readonly HttpClient _http;

    public BoshTestClient(Uri uri)
    {
        Uri = uri;
        var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        Rid = RandomNumberGenerator.GetInt32(1_000_000, 1_000_000_000);
    }

    public Uri Uri { get; }

    /// <summary>The last rid used (the next request uses Rid + 1).</summary>
    public long Rid { get; set; }

    public string? Sid { get; private set; }

    public string? Jid { get; private set; }

    public static Uri UriOf(IPEndPoint endPoint, bool secure = false) => new($"{(secure ? "https" : "http")}://{endPoint}/http-bind");

    /// <summary>Posts raw text and parses the response body (it must be one &lt;body/&gt; element).</summary>
    public async Task<XElement> PostAsync(string body, CancellationToken cancel = default)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/xml");
        using var response = await _http.PostAsync(Uri, content, cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(cancel);
        var element = XElement.Parse(text);
        Assert.Equal(HttpBind + "body", element.Name);
        return element;
    }

    /// <summary>The body for the next rid in this session, carrying <paramref name="payload"/>.</summary>
    public string Body(string payload = "", string extraAttributes = "", long? rid = null)
        => $"<body rid='{rid ?? ++Rid}' sid='{Sid}' xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'{extraAttributes}>{payload}</body>";

    public Task<XElement> SendAsync(string payload = "", string extraAttributes = "") => PostAsync(Body(payload, extraAttributes));

    /// <summary>Session creation (XEP-0206 §3); returns the response (with the features).</summary>
    public async Task<XElement> CreateAsync(int wait = 5, int hold = 1, string to = "localhost")
    {
        var response = await PostAsync(
            $"<body rid='{++Rid}' to='{to}' wait='{wait}' hold='{hold}' ver='1.6' xml:lang='en' content='text/xml; charset=utf-8' xmpp:version='1.0' xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'/>");
        Sid = (string?)response.Attribute("sid");
        return response;
    }

    /// <summary>Polls (empty requests) until an element matches; bounded by the timeout.</summary>
    public async Task<XElement> ExpectAsync(Func<XElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var body = await SendAsync();
            Assert.NotEqual("terminate", (string?)body.Attribute("type"));
            foreach (var element in body.Elements())
            {
                if (match(element))
                {
                    return element;
                }
            }
        }

        throw new TimeoutException("No matching element in BOSH responses within the timeout.");
    }

    /// <summary>Create, SCRAM-SHA-256, restart, bind.</summary>
    public async Task<string> LoginAsync(string user, string resource, string password = "secret", int wait = 5)
    {
        var created = await CreateAsync(wait);
        var features = created.Element(Streams + "features") ?? (await SendAsync()).Element(Streams + "features");
        Assert.NotNull(features);
        var scram = new ScramClient(user, password, HashAlgorithmName.SHA256);
        var challenge = await FirstElementAsync(await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>{Convert.ToBase64String(scram.ClientFirst())}</auth>"));
        Assert.Equal(Sasl + "challenge", challenge.Name);
        var success = await FirstElementAsync(await SendAsync($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(scram.ClientFinal(Convert.FromBase64String(challenge.Value)))}</response>"));
        Assert.Equal(Sasl + "success", success.Name);
        Assert.True(scram.VerifyServerFinal(Convert.FromBase64String(success.Value)));
        var restarted = await FirstElementAsync(await SendAsync("", " xmpp:restart='true' to='localhost' xml:lang='en'"));
        Assert.Equal(Streams + "features", restarted.Name);
        Assert.NotNull(restarted.Element(Bind + "bind"));
        var bound = await FirstElementAsync(await SendAsync($"<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind></iq>"));
        Jid = bound.Element(Bind + "bind")?.Element(Bind + "jid")?.Value ?? throw new InvalidOperationException($"Bind failed: {bound}");
        return Jid;
    }

    /// <summary>The first child of a response, polling on while the responses are empty.</summary>
    public async Task<XElement> FirstElementAsync(XElement body)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.NotEqual("terminate", (string?)body.Attribute("type"));
            if (body.Elements().FirstOrDefault() is { } first)
            {
                return first;
            }

            body = await SendAsync();
        }

        throw new TimeoutException("Ten empty BOSH responses in a row.");
    }

    public void Dispose() => _http.Dispose();
}
