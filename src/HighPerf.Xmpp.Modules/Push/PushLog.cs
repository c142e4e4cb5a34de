using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Push;

internal static partial class PushLog
{
    [LoggerMessage(4357, LogLevel.Debug, "Push app server {Jid} is not reachable from this server (not a bound local session; no federation yet)")]
    public static partial void Unreachable(ILogger logger, string jid);
}
