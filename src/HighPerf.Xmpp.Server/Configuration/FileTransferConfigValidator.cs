using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>Checks modules.proxy65, modules.upload and modules.extdisco, naming the bad key.</summary>
internal static class FileTransferConfigValidator
{
    private static readonly string[] Transports = ["udp", "tcp"];

    public static void Validate(ServerConfig config)
    {
        var modules = config.Modules;
        var enabled = modules.Enabled ?? [];
        var proxy = modules.Proxy65;
        ServiceDomain(config, proxy.Domain, "modules.proxy65.domain");
        RequireText(proxy.Name, "modules.proxy65.name");
        var listen = ConfigLoader.ParseEndPoint(proxy.Listen, "modules.proxy65.listen");
        if (enabled.Contains("proxy65") && string.IsNullOrWhiteSpace(proxy.Host)
            && (listen.Address.Equals(System.Net.IPAddress.Any) || listen.Address.Equals(System.Net.IPAddress.IPv6Any)))
        {
            throw new ConfigException("modules.proxy65.host: the relay listens on every address, so name the host or address clients should connect to.");
        }

        RequireRange(proxy.Port, 0, 65535, "modules.proxy65.port");
        RequireRange(proxy.MaxTransfers, 1, 100_000, "modules.proxy65.maxTransfers");
        RequireRange(proxy.MaxBytesPerSecond, 0, long.MaxValue, "modules.proxy65.maxBytesPerSecond");
        RequireRange(proxy.IdleTimeoutSeconds, 1, 24 * 3600, "modules.proxy65.idleTimeoutSeconds");

        var upload = modules.Upload;
        ServiceDomain(config, upload.Domain, "modules.upload.domain");
        RequireText(upload.Name, "modules.upload.name");
        if (upload.Url is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
        {
            throw new ConfigException($"modules.upload.url: '{url}' is not an http(s) URL without query (for example https://upload.example.org/upload).");
        }

        RequireRange(upload.MaxFileSize, 1, long.MaxValue, "modules.upload.maxFileSize");
        RequireRange(upload.QuotaBytes, 0, long.MaxValue, "modules.upload.quotaBytes");
        RequireRange(upload.ExpireAfterSeconds, 1, 10 * 365 * 24 * 3600, "modules.upload.expireAfterSeconds");
        RequireRange(upload.SlotLifetimeSeconds, 1, 24 * 3600, "modules.upload.slotLifetimeSeconds");
        if (enabled.Contains("upload") && !config.Http.Enabled)
        {
            // With http on, its own validation makes sure there is a listener.
            throw new ConfigException("modules.upload: files are uploaded and served over HTTP; set http.enabled to true.");
        }

        var services = modules.Extdisco.Services;
        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var key = $"modules.extdisco.services[{i}]";
            RequireText(service.Type, key + ".type");
            RequireText(service.Host, key + ".host");
            RequireRange(service.Port, 0, 65535, key + ".port");
            if (service.Transport is { } transport && !Transports.Contains(transport))
            {
                throw new ConfigException($"{key}.transport: '{transport}' is not udp or tcp.");
            }

            if (service.Secret is { Length: 0 })
            {
                throw new ConfigException($"{key}.secret: must not be empty (leave it out for a service without credentials).");
            }

            RequireRange(service.CredentialTtlSeconds, 60, 30 * 24 * 3600, key + ".credentialTtlSeconds");
        }
    }

    private static void ServiceDomain(ServerConfig config, string? domain, string key)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return;
        }

        if (!Jid.TryParse(domain, out var jid) || jid.Local is not null || jid.Resource is not null)
        {
            throw new ConfigException($"{key}: '{domain}' is not a domain name.");
        }

        if (config.Domains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            throw new ConfigException($"{key}: '{domain}' is also a served domain; the service needs a domain of its own.");
        }
    }

    private static void RequireText(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigException($"{key}: must not be empty.");
        }
    }

    private static void RequireRange(long value, long min, long max, string key)
    {
        if (value < min || value > max)
        {
            throw new ConfigException($"{key}: {value} is outside {min}..{max}.");
        }
    }
}
