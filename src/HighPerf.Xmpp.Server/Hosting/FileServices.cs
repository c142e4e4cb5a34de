using System.Net;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Http.Hosting;
using HighPerf.Xmpp.Http.Upload;
using HighPerf.Xmpp.Modules.Bytestreams;
using HighPerf.Xmpp.Modules.HttpUpload;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Transport.Bytestreams;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// The services behind the file transfer modules, created before the modules register: the SOCKS5 relay for
/// "proxy65" (a DotNetty listener, bound first so the module can announce its port) and the upload store for
/// "upload" (served by the HTTP host, which tells it its public URL once bound). A module without its service
/// refuses to register, so a module wired in code must come with one.
/// </summary>
internal sealed class FileServices : IAsyncDisposable
{
    private FileServices(Socks5ProxyHost? proxy, UploadStore? upload)
    {
        Proxy = proxy;
        Upload = upload;
    }

    public Socks5ProxyHost? Proxy { get; }

    public UploadStore? Upload { get; }

    public static async Task<FileServices> StartAsync(ServerConfig config, IReadOnlyList<IXmppModule> modules, ILoggerFactory loggerFactory)
    {
        Socks5ProxyHost? proxy = null;
        UploadStore? upload = null;
        foreach (var module in modules)
        {
            if (module is ProxyModule proxyModule && proxyModule.Relay is null)
            {
                if (proxy is null)
                {
                    proxy = new Socks5ProxyHost(ModuleOptions.Relay(config), loggerFactory);
                    await proxy.StartAsync().ConfigureAwait(false);
                }

                proxyModule.Relay = proxy;
            }
            else if (module is UploadModule uploadModule && uploadModule.Slots is null)
            {
                upload ??= new UploadStore(ModuleOptions.UploadStore(config), loggerFactory);
                uploadModule.Slots = upload;
            }
        }

        return new FileServices(proxy, upload);
    }

    /// <summary>Publishes the relay's and the store's figures on the server's meter (read at scrape time only).</summary>
    public void PublishMetrics(Core.Hosting.XmppMetrics metrics)
    {
        var meter = metrics.Meter;
        if (Proxy is { } proxy)
        {
            meter.CreateObservableGauge("xmpp.proxy65.transfers", () => proxy.ActiveTransfers, "{bytestream}", "XEP-0065 bytestreams relaying now");
            meter.CreateObservableGauge("xmpp.proxy65.connections", () => proxy.Connections, "{connection}", "Open connections to the SOCKS5 relay");
            meter.CreateObservableCounter("xmpp.proxy65.relayed", () => proxy.Stats.BytesRelayed, "By", "Bytes relayed between the two sides of bytestreams");
            meter.CreateObservableCounter("xmpp.proxy65.refused", () => proxy.Stats.ConnectionsRefused, "{connection}", "SOCKS5 connections refused by a limit");
        }

        if (Upload is { } upload)
        {
            meter.CreateObservableGauge("xmpp.upload.files", () => upload.FileCount, "{file}", "XEP-0363 files stored");
        }
    }

    /// <summary>Sets the upload URLs' base: the configured one, else the HTTPS listener on the first domain, else
    /// the plain listener's address.</summary>
    public void HttpStarted(ServerConfig config, HttpTransportHost? http)
    {
        if (Upload is null)
        {
            return;
        }

        if (config.Modules.Upload.Url is { } url)
        {
            Upload.BaseUrl = url.TrimEnd('/');
        }
        else if (http?.TlsEndPoint is { } tls)
        {
            Upload.BaseUrl = $"https://{config.Domains[0]}:{tls.Port}/upload";
        }
        else if (http?.EndPoint is { } plain)
        {
            var host = plain.Address.Equals(IPAddress.Any) ? config.Domains[0] : plain.Address.ToString();
            Upload.BaseUrl = $"http://{host}:{plain.Port}/upload";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.StopAsync().ConfigureAwait(false);
        }

        Upload?.Dispose();
    }
}
