using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>XEP-0363 steps: slot requests and their URLs.</summary>
internal static class UploadSteps
{
    public static Task<XElement> RequestSlotAsync(XmppTestClient client, string filename, long size, string? contentType = "application/octet-stream", string service = "upload.localhost")
    {
        var type = contentType is null ? "" : $" content-type='{contentType}'";
        return client.IqAsync("get", $"<request xmlns='urn:xmpp:http:upload:0' filename='{filename}' size='{size}'{type}/>", service);
    }

    /// <summary>A slot's PUT and GET URLs, asserting it was granted.</summary>
    public static async Task<(Uri Put, Uri Get)> SlotAsync(XmppTestClient client, string filename, long size, string? contentType = "application/octet-stream")
    {
        var reply = await RequestSlotAsync(client, filename, size, contentType);
        Assert.True((string?)reply.Attribute("type") == "result", reply.ToString());
        var slot = reply.Element(Upload + "slot")!;
        return (new Uri((string)slot.Element(Upload + "put")!.Attribute("url")!), new Uri((string)slot.Element(Upload + "get")!.Attribute("url")!));
    }

    public static HttpClient NewHttpClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<HttpResponseMessage> PutAsync(HttpClient http, Uri url, byte[] body, string? contentType = "application/octet-stream")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        return await http.PutAsync(url, content);
    }

    /// <summary>Files under the server's upload folder (what a refused upload must not leave).</summary>
    public static string[] StoredFiles(TestServer server)
    {
        var folder = Path.Combine(server.DataDirectory, "upload");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Where(f => !f.EndsWith("slot.key", StringComparison.Ordinal)).ToArray() : [];
    }

    public static string UploadError(XElement reply, out XElement? error)
    {
        error = reply.Element(Support.Wire.Client + "error");
        return Support.Wire.ErrorCondition(reply) ?? "";
    }
}
