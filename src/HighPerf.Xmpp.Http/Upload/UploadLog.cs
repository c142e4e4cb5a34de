using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>Log messages of HTTP File Upload (event ids 6100-). File names are not logged: they are user content.</summary>
internal static partial class UploadLog
{
    [LoggerMessage(6100, LogLevel.Debug, "Upload slot of {Size} bytes issued to {Owner}")]
    public static partial void SlotIssued(ILogger logger, string owner, long size);

    [LoggerMessage(6101, LogLevel.Information, "Stored an upload of {Size} bytes from {Owner}")]
    public static partial void Stored(ILogger logger, string owner, long size);

    [LoggerMessage(6102, LogLevel.Information, "An upload of {Size} bytes from {Owner} expired and was deleted")]
    public static partial void Expired(ILogger logger, string owner, long size);

    [LoggerMessage(6103, LogLevel.Warning, "Could not delete {Path}: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(6104, LogLevel.Debug, "Upload PUT from {Remote} refused with {Status}: {Reason}")]
    public static partial void PutRefused(ILogger logger, string remote, int status, string reason);

    [LoggerMessage(6105, LogLevel.Debug, "Upload PUT from {Remote} failed: {Reason}")]
    public static partial void PutFailed(ILogger logger, string remote, string reason);
}
