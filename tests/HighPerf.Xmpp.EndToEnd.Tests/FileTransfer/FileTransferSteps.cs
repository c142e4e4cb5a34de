using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>Servers with the file transfer modules on, and the XMPP steps of XEP-0065 and XEP-0363.</summary>
internal static class FileTransferSteps
{
    public static readonly XNamespace Bytestreams = "http://jabber.org/protocol/bytestreams";
    public static readonly XNamespace Upload = "urn:xmpp:http:upload:0";
    public static readonly XNamespace ExtDisco = "urn:xmpp:extdisco:2";

    /// <summary>The default modules plus <paramref name="extra"/>.</summary>
    public static void Enable(ServerConfig config, params string[] extra) => config.Modules.Enabled = [.. ModuleCatalog.DefaultNames, .. extra];

    /// <summary>A server with the proxy65 module, its relay on an ephemeral loopback port.</summary>
    public static Task<TestServer> StartProxyServerAsync(Action<Proxy65Config>? configure = null, string[]? users = null)
        => TestServers.StartAsync(c =>
        {
            Enable(c, "proxy65");
            c.Modules.Proxy65.Listen = "127.0.0.1:0";
            configure?.Invoke(c.Modules.Proxy65);
        }, users: users ?? ["initiator", "target", "other"]);

    /// <summary>A server with the upload module on HTTP (plain listener only, so URLs are http://127.0.0.1:port).</summary>
    public static Task<TestServer> StartUploadServerAsync(Action<UploadConfig>? configure = null, string[]? users = null)
        => TestServers.StartAsync(c =>
        {
            Enable(c, "upload");
            c.Http.Enabled = true;
            c.Http.ListenTls = "";
            configure?.Invoke(c.Modules.Upload);
        }, users: users ?? ["alice", "bob"]);

    /// <summary>The streamhost the proxy announces (XEP-0065 §6.3.1), as an endpoint.</summary>
    public static async Task<IPEndPoint> StreamhostAsync(XmppTestClient client, string proxy = "proxy.localhost")
    {
        var reply = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/bytestreams'/>", proxy);
        var streamhost = reply.Element(Bytestreams + "query")!.Element(Bytestreams + "streamhost")!;
        Assert.Equal(proxy, (string?)streamhost.Attribute("jid"));
        return new IPEndPoint(IPAddress.Parse((string)streamhost.Attribute("host")!), int.Parse((string)streamhost.Attribute("port")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>SHA-1(SID + initiator JID + target JID), hex (XEP-0065 §5.3.2), computed here independently of the server.</summary>
    public static string DestinationAddress(string sid, string initiator, string target)
        => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(sid + initiator + target)));

    /// <summary>The initiator's activation iq (§6.3.5); returns the reply.</summary>
    public static Task<XElement> ActivateAsync(XmppTestClient initiator, string sid, string target, string proxy = "proxy.localhost")
        => initiator.IqAsync("set", $"<query xmlns='http://jabber.org/protocol/bytestreams' sid='{sid}'><activate>{target}</activate></query>", proxy);

    /// <summary>Both sides connected to the proxy for <paramref name="sid"/> and activated by the initiator.</summary>
    public static async Task<(Socks5TestClient Initiator, Socks5TestClient Target)> OpenBytestreamAsync(
        IPEndPoint proxy, XmppTestClient initiator, string targetJid, string sid, int? receiveBufferSize = null)
    {
        var address = DestinationAddress(sid, initiator.Jid!, targetJid);
        var (target, targetStatus) = await Socks5TestClient.ConnectAsync(proxy, address, receiveBufferSize);
        Assert.Equal(0, targetStatus);
        var (source, sourceStatus) = await Socks5TestClient.ConnectAsync(proxy, address);
        Assert.Equal(0, sourceStatus);
        var activated = await ActivateAsync(initiator, sid, targetJid);
        Assert.True((string?)activated.Attribute("type") == "result", activated.ToString());
        return (source, target);
    }
}
