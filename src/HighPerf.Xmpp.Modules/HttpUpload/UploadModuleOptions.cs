namespace HighPerf.Xmpp.Modules.HttpUpload;

/// <summary>The XEP-0363 upload service's XMPP side: its address and name.</summary>
public sealed record UploadModuleOptions
{
    /// <summary>The service's domain; null: "upload." + the server's first domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Name of the service identity (category store, type file).</summary>
    public string Name { get; init; } = "HTTP File Upload";
}
