using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules;

/// <summary>Log messages of the modules, with fixed event ids.</summary>
internal static partial class ModulesLog
{
    [LoggerMessage(4000, LogLevel.Error, "Store operation '{Operation}' failed")]
    public static partial void StoreFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(4001, LogLevel.Debug, "Delivered {Count} offline messages to {Jid}")]
    public static partial void OfflineDelivered(ILogger logger, int count, string jid);

    [LoggerMessage(4002, LogLevel.Information, "Offline queue of {Jid} is full; bounced a message")]
    public static partial void OfflineFull(ILogger logger, string jid);
}
