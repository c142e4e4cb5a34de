namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// Where XEP-0363 uploads go: the HTTP host issues slots (signed PUT and GET URLs), enforces the size limit and the
/// per-user quota, stores and expires the files. The upload module, which speaks the XMPP side, is given it.
/// </summary>
public interface IUploadSlots
{
    /// <summary>Largest file accepted, in bytes (announced as max-file-size).</summary>
    long MaxFileSize { get; }

    /// <summary>Bytes one user may keep stored at once (0: no quota).</summary>
    long QuotaBytes { get; }

    /// <summary>Issues a slot for <paramref name="owner"/> (a bare JID) unless the quota forbids it (thread-safe).</summary>
    /// <param name="size">At most <see cref="MaxFileSize"/> (the module refuses larger requests itself).</param>
    UploadSlot Issue(string owner, string filename, long size, string contentType);
}

/// <summary>An issued slot, or a refusal with the time the quota frees up.</summary>
public readonly record struct UploadSlot(bool Issued, string PutUrl, string GetUrl, DateTimeOffset RetryAfter)
{
    public static UploadSlot Refused(DateTimeOffset retryAfter) => new(false, "", "", retryAfter);
}
