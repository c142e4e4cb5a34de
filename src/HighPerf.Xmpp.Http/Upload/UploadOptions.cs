namespace HighPerf.Xmpp.Http.Upload;

/// <summary>XEP-0363 HTTP File Upload: where files go, how large, how many bytes per user, for how long.</summary>
public sealed record UploadOptions
{
    /// <summary>Folder of the stored files (the data folder's upload/).</summary>
    public required string Directory { get; init; }

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileSize { get; init; } = 100L * 1024 * 1024;

    /// <summary>Bytes one user may keep stored at once, counting slots not yet uploaded (0: no quota).</summary>
    public long QuotaBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>How long a file stays downloadable after its upload.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a slot's PUT URL may be used (XEP-0363 §7 recommends short).</summary>
    public TimeSpan SlotLifetime { get; init; } = TimeSpan.FromMinutes(5);
}
