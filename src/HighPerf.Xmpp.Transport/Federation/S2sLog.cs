using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>Log messages of the s2s transport, with fixed event ids.</summary>
internal static partial class S2sLog
{
    [LoggerMessage(2100, LogLevel.Information, "Listening for s2s on {EndPoint} ({Mode})")]
    public static partial void Listening(ILogger logger, string endPoint, string mode);

    [LoggerMessage(2101, LogLevel.Information, "s2s {Direction} connection {Remote} ({Peer}) closed ({Reason}), {DurationMs} ms")]
    public static partial void Closed(ILogger logger, string direction, string remote, string peer, string reason, long durationMs);

    [LoggerMessage(2102, LogLevel.Debug, "s2s connection {Remote} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string remote, string reason);

    [LoggerMessage(2103, LogLevel.Error, "s2s connection {Remote}: fault while handling input")]
    public static partial void Fault(ILogger logger, string remote, Exception exception);

    [LoggerMessage(2104, LogLevel.Debug, "s2s connecting to {Domain} at {Host}:{Port} ({Mode})")]
    public static partial void Connecting(ILogger logger, string domain, string host, int port, string mode);
}
