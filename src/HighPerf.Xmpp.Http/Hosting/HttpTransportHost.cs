using System.Collections.Concurrent;
using System.Net;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Http.Bosh;
using HighPerf.Xmpp.Http.Discovery;
using HighPerf.Xmpp.Http.Upload;
using HighPerf.Xmpp.Http.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Http.Hosting;

/// <summary>
/// XMPP over HTTP on Kestrel (slim builder, no routing or configuration): <c>/xmpp-websocket</c> (RFC 7395),
/// <c>/http-bind</c> (XEP-0124/0206) and <c>/.well-known/host-meta[.json]</c> (XEP-0156), on a plain and/or an HTTPS
/// listener, and XEP-0363 uploads under <c>/upload/</c> when configured. Each WebSocket or BOSH session drives an ordinary <see cref="Core.Sessions.XmppSession"/>, so
/// negotiation, SASL, binding, the router and the modules are the TCP path's.
/// </summary>
public sealed class HttpTransportHost : IAsyncDisposable
{
    public const string WebSocketPath = "/xmpp-websocket";
    public const string BoshPath = "/http-bind";

    private readonly ConcurrentDictionary<HttpSessionTransport, byte> _live = new();
    private WebApplication _app = null!;
    private int _stopped;

    private HttpTransportHost(XmppServer server, HttpTransportOptions options)
    {
        Server = server;
        Options = options;
        Logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Http");
        Bosh = new BoshSessionTable(this);
    }

    /// <summary>The bound plain HTTP address (port 0 in the options becomes the chosen port); null when not configured.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>The bound HTTPS address; null when not configured.</summary>
    public IPEndPoint? TlsEndPoint { get; private set; }

    /// <summary>Open WebSocket connections and BOSH sessions.</summary>
    public int SessionCount => _live.Count;

    internal XmppServer Server { get; }

    internal HttpTransportOptions Options { get; }

    internal ILogger Logger { get; }

    internal BoshSessionTable Bosh { get; }

    public static async Task<HttpTransportHost> StartAsync(XmppServer server, HttpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        var host = new HttpTransportHost(server, options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, NoHostLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies are read by hand with the stanza-size bound (BOSH); this is a backstop above it.
            kestrel.Limits.MaxRequestBodySize = (long)server.Options.XmlLimits.MaxStanzaBytes + 64 * 1024;
            if (options.MaxConnections > 0)
            {
                // limits.maxConnections, as for the c2s listeners: more are closed at accept.
                kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
                kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            }
            if (options.Listen is { } plain)
            {
                kestrel.Listen(plain);
            }

            if (options.ListenTls is { } tls)
            {
                kestrel.Listen(tls, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, name) => host.SelectCertificate(name),
                }));
            }
        });
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(60) });
        app.Run(host.HandleAsync);
        host._app = app;
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var uri = new Uri(address);
            var endPoint = new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                host.TlsEndPoint = endPoint;
            }
            else
            {
                host.EndPoint = endPoint;
            }

            HttpLog.Listening(host.Logger, $"{uri.Scheme}://{endPoint}");
        }

        host.Bosh.Start();
        return host;
    }

    /// <summary>Graceful stop: system-shutdown to every session, a moment for it to go out, then Kestrel stops.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Bosh.Stop();
        var sessions = _live.Keys.ToArray();
        if (sessions.Length > 0)
        {
            HttpLog.Stopping(Logger, sessions.Length);
            foreach (var session in sessions)
            {
                session.Kick(StreamErrorCondition.SystemShutdown);
            }

            var deadline = DateTime.UtcNow + grace;
            while (!_live.IsEmpty && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }

        using var stop = new CancellationTokenSource(grace);
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);

    internal void Add(HttpSessionTransport session) => _live.TryAdd(session, 0);

    internal void Remove(HttpSessionTransport session) => _live.TryRemove(session, out _);

    internal static string RemoteAddressOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        return address is null ? "?" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    internal bool IsSecure(HttpContext context) => context.Request.IsHttps || Options.PlainHttpIsSecure;

    private System.Security.Cryptography.X509Certificates.X509Certificate2? SelectCertificate(string? serverName)
    {
        var certificates = Options.Certificates;
        if (certificates.Count == 0)
        {
            return null;
        }

        if (serverName is not null)
        {
            foreach (var (domain, certificate) in certificates)
            {
                if (string.Equals(domain, serverName, StringComparison.OrdinalIgnoreCase))
                {
                    return certificate;
                }
            }
        }

        return certificates[0].Value;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!Cors.Apply(context, Options.CorsOrigins))
        {
            return; // a preflight, answered
        }

        var path = context.Request.Path.Value;
        switch (path)
        {
            case WebSocketPath:
                await HandleWebSocketAsync(context).ConfigureAwait(false);
                break;
            case BoshPath:
                await Bosh.HandleAsync(context).ConfigureAwait(false);
                break;
            case HostMeta.XrdPath:
            case HostMeta.JsonPath:
                await HostMeta.WriteAsync(context, path == HostMeta.JsonPath, Options).ConfigureAwait(false);
                break;
            default:
                if (Options.Upload is { } upload && path is not null && path.StartsWith(UploadEndpoint.PathPrefix, StringComparison.Ordinal))
                {
                    await UploadEndpoint.HandleAsync(context, upload, Logger).ConfigureAwait(false);
                    break;
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private async Task HandleWebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains("xmpp", StringComparer.Ordinal))
        {
            // RFC 7395 §3.1: the handshake names the "xmpp" subprotocol; without it this is not an XMPP client.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (Volatile.Read(ref _stopped) != 0)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = "xmpp" }).ConfigureAwait(false);
        var transport = new WebSocketTransport(this, socket, RemoteAddressOf(context), IsSecure(context));
        Add(transport);
        await transport.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The server owns the process's signals and stops this host itself (see the metrics endpoint).</summary>
    private sealed class NoHostLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
