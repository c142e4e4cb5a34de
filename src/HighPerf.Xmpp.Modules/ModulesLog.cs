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

    [LoggerMessage(4100, LogLevel.Information, "Registered {Jid} in-band from {Address}")]
    public static partial void AccountRegistered(ILogger logger, string jid, string address);

    [LoggerMessage(4101, LogLevel.Information, "Changed the password of {Jid} in-band")]
    public static partial void PasswordChanged(ILogger logger, string jid);

    [LoggerMessage(4102, LogLevel.Information, "Cancelled the account {Jid} in-band with its roster, offline messages and private data")]
    public static partial void AccountCancelled(ILogger logger, string jid);

    [LoggerMessage(4200, LogLevel.Information, "Archive retention forgot {Count} messages older than {Threshold}")]
    public static partial void ArchiveExpired(ILogger logger, long count, DateTimeOffset threshold);
}
