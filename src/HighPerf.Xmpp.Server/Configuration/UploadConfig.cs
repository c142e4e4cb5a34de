namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.upload: XEP-0363 HTTP File Upload (module "upload", off by default; it needs http.enabled).</summary>
public sealed class UploadConfig
{
    /// <summary>The service's domain; null or empty: "upload." + the first served domain.</summary>
    public string? Domain { get; set; }

    /// <summary>Name of the service in service discovery.</summary>
    public string Name { get; set; } = "HTTP File Upload";

    /// <summary>Public base URL of the files, as clients reach the HTTP listener (e.g. through a reverse proxy):
    /// "https://upload.example.org/upload". Null: https://&lt;first domain&gt;:&lt;http.listenTls port&gt;/upload, or,
    /// without an HTTPS listener, http://&lt;http.listen&gt;/upload (loopback tests only: XEP-0363 wants TLS).</summary>
    public string? Url { get; set; }

    /// <summary>Largest file accepted, in bytes (announced in disco as max-file-size).</summary>
    public long MaxFileSize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Bytes one user may keep stored at once (0: no quota).</summary>
    public long QuotaBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Seconds a file stays downloadable after its upload.</summary>
    public int ExpireAfterSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Seconds a slot's PUT URL may be used.</summary>
    public int SlotLifetimeSeconds { get; set; } = 300;
}
