using System.Security;
using System.Text;
using System.Text.Json;
using HighPerf.Xmpp.Http.Hosting;
using Microsoft.AspNetCore.Http;

namespace HighPerf.Xmpp.Http.Discovery;

/// <summary>
/// XEP-0156 discovery over HTTP: <c>/.well-known/host-meta</c> (XRD) and <c>/.well-known/host-meta.json</c> (JRD)
/// name the WebSocket and BOSH URLs. They are built from the request's scheme and Host, so a client that reached
/// this listener (directly or through a proxy that keeps Host) is told URLs on the same origin.
/// </summary>
internal static class HostMeta
{
    public const string XrdPath = "/.well-known/host-meta";
    public const string JsonPath = "/.well-known/host-meta.json";

    public const string WebSocketRel = "urn:xmpp:alt-connections:websocket";
    public const string BoshRel = "urn:xmpp:alt-connections:xbosh";

    public static Task WriteAsync(HttpContext context, bool json, HttpTransportOptions options)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        var secure = request.IsHttps;
        var host = request.Host.HasValue ? request.Host.Value : context.Connection.LocalIpAddress + ":" + context.Connection.LocalPort;
        var webSocket = (secure ? "wss://" : "ws://") + host + HttpTransportHost.WebSocketPath;
        var bosh = (secure ? "https://" : "http://") + host + HttpTransportHost.BoshPath;
        var body = json ? Json(webSocket, bosh) : Xrd(webSocket, bosh);
        context.Response.ContentType = json ? "application/json" : "application/xrd+xml; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }

    private static byte[] Xrd(string webSocket, string bosh) => Encoding.UTF8.GetBytes(
        "<?xml version='1.0' encoding='utf-8'?>\n"
        + "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
        + $"  <Link rel='{WebSocketRel}' href='{SecurityElement.Escape(webSocket)}'/>\n"
        + $"  <Link rel='{BoshRel}' href='{SecurityElement.Escape(bosh)}'/>\n"
        + "</XRD>\n");

    private static byte[] Json(string webSocket, string bosh)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("links");
            foreach (var (rel, href) in (ReadOnlySpan<(string, string)>)[(WebSocketRel, webSocket), (BoshRel, bosh)])
            {
                writer.WriteStartObject();
                writer.WriteString("rel", rel);
                writer.WriteString("href", href);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
