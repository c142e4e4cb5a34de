using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Http.Hosting;

/// <summary>Log messages of the HTTP transports, with fixed event ids (6000-).</summary>
internal static partial class HttpLog
{
    [LoggerMessage(6000, LogLevel.Information, "Listening for HTTP on {Url} (WebSocket /xmpp-websocket, BOSH /http-bind)")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(6001, LogLevel.Information, "{Transport} session from {Remote} closed ({Reason}); user {Jid}, {DurationMs} ms")]
    public static partial void SessionClosed(ILogger logger, string transport, string remote, string reason, string jid, long durationMs);

    [LoggerMessage(6002, LogLevel.Error, "{Transport} session from {Remote} closed with internal-server-error: handling its input failed")]
    public static partial void SessionFault(ILogger logger, string transport, string remote, Exception exception);

    [LoggerMessage(6003, LogLevel.Debug, "{Transport} session from {Remote} failed: {Reason}")]
    public static partial void SessionFailed(ILogger logger, string transport, string remote, string reason);

    [LoggerMessage(6004, LogLevel.Information, "{Transport} session from {Remote} closed: its outbound queue exceeded {Limit} bytes")]
    public static partial void SlowReader(ILogger logger, string transport, string remote, long limit);

    [LoggerMessage(6005, LogLevel.Information, "Stopping HTTP: telling {Count} sessions the server shuts down")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(6006, LogLevel.Debug, "BOSH request from {Remote} refused: {Condition}")]
    public static partial void BoshRefused(ILogger logger, string remote, string condition);

    [LoggerMessage(6007, LogLevel.Error, "{Transport} session from {Remote}: the server's output could not be framed; closing")]
    public static partial void FramingFailed(ILogger logger, string transport, string remote);
}
