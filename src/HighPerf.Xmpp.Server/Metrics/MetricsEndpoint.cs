using System.Net;
using System.Text;
using HighPerf.Xmpp.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, served by Kestrel from the shared framework on its own
/// (loopback by default) address. The app is built with <see cref="WebApplication.CreateEmptyBuilder"/> and
/// <c>UseKestrelCore</c>: no configuration files to watch, no logging providers, no routing, so it is small under
/// Native AOT and its only work is the scrape.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MetricsCollector _collector;
    private readonly StringBuilder _text = new(16 * 1024);

    private MetricsEndpoint(WebApplication app, MetricsCollector collector, IPEndPoint endPoint)
    {
        _app = app;
        _collector = collector;
        EndPoint = endPoint;
    }

    /// <summary>The bound address (port 0 in the configuration becomes the chosen port).</summary>
    public IPEndPoint EndPoint { get; }

    public static async Task<MetricsEndpoint> StartAsync(XmppMetrics metrics, IPEndPoint listen)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, ServerOwnedLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(listen);
        });
        var app = builder.Build();
        var collector = new MetricsCollector(metrics.Meter);
        MetricsEndpoint? endpoint = null;
        app.Run(context => endpoint!.HandleAsync(context));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            collector.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        endpoint = new MetricsEndpoint(app, collector, new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port));
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _collector.Dispose();
    }

    private Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != "/metrics")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        byte[] body;
        lock (_text)
        {
            _text.Clear();
            _collector.WriteTo(_text);
            body = Encoding.UTF8.GetBytes(_text.ToString());
        }

        context.Response.ContentType = PrometheusText.ContentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
