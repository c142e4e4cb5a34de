using HighPerf.Xmpp.Http.Upload;
using HighPerf.Xmpp.Modules.Bytestreams;
using HighPerf.Xmpp.Modules.ExternalServices;
using HighPerf.Xmpp.Modules.HttpUpload;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Transport.Bytestreams;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>Options of the file transfer services (XEP-0065, XEP-0363, XEP-0215) and of the listeners behind them.</summary>
internal static partial class ModuleOptions
{
    public static ProxyOptions Proxy(ServerConfig config) => new()
    {
        Domain = string.IsNullOrWhiteSpace(config.Modules.Proxy65.Domain) ? null : config.Modules.Proxy65.Domain,
        Name = config.Modules.Proxy65.Name,
    };

    public static Socks5ProxyOptions Relay(ServerConfig config) => new()
    {
        Listen = ConfigLoader.ParseEndPoint(config.Modules.Proxy65.Listen, "modules.proxy65.listen"),
        AdvertisedHost = string.IsNullOrWhiteSpace(config.Modules.Proxy65.Host) ? null : config.Modules.Proxy65.Host,
        AdvertisedPort = config.Modules.Proxy65.Port,
        MaxTransfers = config.Modules.Proxy65.MaxTransfers,
        MaxBytesPerSecond = config.Modules.Proxy65.MaxBytesPerSecond,
        IdleTimeout = TimeSpan.FromSeconds(config.Modules.Proxy65.IdleTimeoutSeconds),
    };

    public static UploadModuleOptions Upload(ServerConfig config) => new()
    {
        Domain = string.IsNullOrWhiteSpace(config.Modules.Upload.Domain) ? null : config.Modules.Upload.Domain,
        Name = config.Modules.Upload.Name,
    };

    public static UploadOptions UploadStore(ServerConfig config) => new()
    {
        Directory = Path.Combine(Path.GetFullPath(config.DataDirectory), "upload"),
        MaxFileSize = config.Modules.Upload.MaxFileSize,
        QuotaBytes = config.Modules.Upload.QuotaBytes,
        Expiry = TimeSpan.FromSeconds(config.Modules.Upload.ExpireAfterSeconds),
        SlotLifetime = TimeSpan.FromSeconds(config.Modules.Upload.SlotLifetimeSeconds),
    };

    public static ExternalServicesOptions ExternalServices(ServerConfig config) => new()
    {
        Services = config.Modules.Extdisco.Services.ConvertAll(s => new ExternalService
        {
            Type = s.Type,
            Host = s.Host,
            Port = s.Port,
            Transport = s.Transport,
            Name = s.Name,
            Secret = s.Secret,
            CredentialLifetime = TimeSpan.FromSeconds(s.CredentialTtlSeconds),
        }),
    };
}
