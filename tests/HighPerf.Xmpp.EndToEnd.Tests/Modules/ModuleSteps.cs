using System.Net;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>Steps shared by the module tests: iq round trips and a login over STARTTLS + zlib (XEP-0138).</summary>
internal static class ModuleSteps
{
    public static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    public static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    public static readonly XNamespace Register = "jabber:iq:register";
    public static readonly XNamespace DataForms = "jabber:x:data";
    public static readonly XNamespace CompressFeature = "http://jabber.org/features/compress";
    public static readonly XNamespace Compress = "http://jabber.org/protocol/compress";
    public static readonly XNamespace RegisterFeature = "http://jabber.org/features/iq-register";
    private static int s_id;

    public static string NextId() => "m" + Interlocked.Increment(ref s_id);

    /// <summary>Sends an iq of <paramref name="type"/> carrying <paramref name="payload"/> and returns the reply.</summary>
    public static async Task<XElement> IqAsync(this XmppTestClient client, string type, string payload, string? to = null)
    {
        var id = NextId();
        var toAttribute = to is null ? "" : $" to='{to}'";
        await client.SendAsync($"<iq type='{type}' id='{id}'{toAttribute}>{payload}</iq>");
        return await client.ExpectAsync(Wire.Reply(id));
    }

    /// <summary>As <see cref="IqAsync"/>, asserting a result.</summary>
    public static async Task<XElement> IqResultAsync(this XmppTestClient client, string type, string payload, string? to = null)
    {
        var reply = await client.IqAsync(type, payload, to);
        Assert.True((string?)reply.Attribute("type") == "result", $"Expected a result, got {reply}");
        return reply;
    }

    public static async Task<string?> IqErrorAsync(this XmppTestClient client, string type, string payload, string? to = null)
    {
        var reply = await client.IqAsync(type, payload, to);
        Assert.True((string?)reply.Attribute("type") == "error", $"Expected an error, got {reply}");
        return Wire.ErrorCondition(reply);
    }

    /// <summary>The server's disco#info features (as a set).</summary>
    public static async Task<HashSet<string>> FeaturesAsync(this XmppTestClient client, string to)
    {
        var reply = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", to);
        return reply.Element(DiscoInfo + "query")!.Elements(DiscoInfo + "feature").Select(f => (string)f.Attribute("var")!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Connect, STARTTLS, SCRAM, then XEP-0138 zlib before binding (XEP-0170 order): the zlib layer is returned
    /// with the client so that tests can count compressed bytes.
    /// </summary>
    public static async Task<(XmppTestClient Client, ZlibDuplexStream Zlib)> LoginCompressedAsync(IPEndPoint endPoint, string domain, string user, string resource)
    {
        var client = await XmppTestClient.ConnectAsync(endPoint, domain);
        try
        {
            await client.OpenStreamAsync();
            await client.StartTlsAsync();
            var outcome = await client.AuthenticateAsync(user, "secret");
            Assert.Equal(XmppTestClient.Sasl + "success", outcome.Name);
            var features = await client.OpenStreamAsync();
            Assert.Equal("zlib", features.Element(CompressFeature + "compression")?.Element(CompressFeature + "method")?.Value);
            await client.SendAsync("<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>");
            var compressed = await client.NextElementAsync();
            Assert.Equal(Compress + "compressed", compressed.Name);
            ZlibDuplexStream? zlib = null;
            client.WrapStream(inner => zlib = new ZlibDuplexStream(inner));
            var restarted = await client.OpenStreamAsync();
            Assert.Null(restarted.Element(CompressFeature + "compression")); // compression is on: not offered again
            Assert.NotNull(restarted.Element(XmppTestClient.BindNs + "bind"));
            await client.BindAsync(resource);
            return (client, zlib!);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connect, STARTTLS, SCRAM and a restarted stream: the post-authentication features, before bind.</summary>
    public static async Task<(XmppTestClient Client, XElement Features)> AuthenticateAsync(IPEndPoint endPoint, string domain, string user)
    {
        var client = await XmppTestClient.ConnectAsync(endPoint, domain);
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        var outcome = await client.AuthenticateAsync(user, "secret");
        Assert.Equal(XmppTestClient.Sasl + "success", outcome.Name);
        return (client, await client.OpenStreamAsync());
    }

    /// <summary>A port that was free a moment ago, for a listener that must be told apart from the others in the
    /// configuration (listeners on port 0 all read "127.0.0.1:0").</summary>
    public static int FreePort()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
