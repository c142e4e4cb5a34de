using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.StreamManagement;

internal static partial class StreamManagementLog
{
    [LoggerMessage(1100, LogLevel.Information, "Session {Jid} detached: connection lost, resumable for {Seconds} s")]
    public static partial void Detached(ILogger logger, string jid, int seconds);

    [LoggerMessage(1101, LogLevel.Information, "Session {Jid} resumed from {Remote}")]
    public static partial void Resumed(ILogger logger, string jid, string remote);

    [LoggerMessage(1102, LogLevel.Information, "Detached session {Jid} expired; unacknowledged messages go to offline storage")]
    public static partial void Expired(ILogger logger, string jid);

    [LoggerMessage(1103, LogLevel.Warning, "Session {Jid} exceeded {Bytes} unacknowledged bytes; ending it")]
    public static partial void Overflow(ILogger logger, string jid, int bytes);

    [LoggerMessage(1105, LogLevel.Information, "Detached session {Jid} over its unacknowledged bound: {Count} stanzas ({Bytes} bytes) queued since the drop moved out (messages to offline storage)")]
    public static partial void Spilled(ILogger logger, string jid, int count, int bytes);

    [LoggerMessage(1104, LogLevel.Error, "Stream management failed for {Jid}")]
    public static partial void Failed(ILogger logger, string jid, Exception exception);
}
