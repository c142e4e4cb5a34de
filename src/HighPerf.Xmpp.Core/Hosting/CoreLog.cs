using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Hosting;

/// <summary>Log messages of the core, with fixed event ids (Kestrel's SocketsLog pattern).</summary>
internal static partial class CoreLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Stream error {Condition} on connection from {Remote}")]
    public static partial void StreamError(ILogger logger, string condition, string remote);

    [LoggerMessage(1001, LogLevel.Information, "Authenticated {User} with {Mechanism} from {Remote}")]
    public static partial void Authenticated(ILogger logger, string user, string mechanism, string remote);

    [LoggerMessage(1002, LogLevel.Information, "Authentication failed ({Condition}) with {Mechanism} from {Remote}")]
    public static partial void AuthenticationFailed(ILogger logger, string condition, string mechanism, string remote);

    [LoggerMessage(1003, LogLevel.Information, "Bound {Jid}")]
    public static partial void Bound(ILogger logger, string jid);

    [LoggerMessage(1004, LogLevel.Information, "Session {Jid} replaced by a new login with the same resource")]
    public static partial void Replaced(ILogger logger, string jid);

    [LoggerMessage(1005, LogLevel.Information, "Session {Jid} ended")]
    public static partial void SessionEnded(ILogger logger, string jid);

    [LoggerMessage(1006, LogLevel.Error, "Module {Module} failed handling a stanza")]
    public static partial void ModuleFailed(ILogger logger, string module, Exception exception);

    [LoggerMessage(1007, LogLevel.Trace, "Routed {Kind} from {From}")]
    public static partial void Routed(ILogger logger, string kind, string from);

    [LoggerMessage(1008, LogLevel.Warning, "A held stanza of {Length} bytes could not be read again and was dropped")]
    public static partial void HeldStanzaUnreadable(ILogger logger, int length);
}
