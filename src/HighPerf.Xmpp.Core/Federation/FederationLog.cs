using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Log messages of server-to-server federation, with fixed event ids.</summary>
internal static partial class FederationLog
{
    [LoggerMessage(1100, LogLevel.Information, "s2s link {Local} -> {Remote} ready ({Method})")]
    public static partial void LinkReady(ILogger logger, string local, string remote, string method);

    [LoggerMessage(1101, LogLevel.Information, "s2s link {Local} -> {Remote} failed: {Reason}; {Count} queued stanzas bounced")]
    public static partial void LinkFailed(ILogger logger, string local, string remote, string reason, int count);

    [LoggerMessage(1102, LogLevel.Information, "s2s link {Local} -> {Remote} closed: {Reason}")]
    public static partial void LinkClosed(ILogger logger, string local, string remote, string reason);

    [LoggerMessage(1103, LogLevel.Information, "s2s inbound stream from {Remote} authenticated {Peer} -> {Local} ({Method})")]
    public static partial void InboundAuthenticated(ILogger logger, string remote, string peer, string local, string method);

    [LoggerMessage(1104, LogLevel.Information, "s2s inbound stream from {Remote} refused {Peer}: {Reason}")]
    public static partial void InboundRefused(ILogger logger, string remote, string peer, string reason);

    [LoggerMessage(1105, LogLevel.Debug, "s2s stream error {Condition} ({Direction}, {Remote})")]
    public static partial void StreamError(ILogger logger, string condition, string direction, string remote);

    [LoggerMessage(1106, LogLevel.Debug, "s2s dialback verification for {Peer} -> {Local}: {Result}")]
    public static partial void DialbackVerified(ILogger logger, string peer, string local, string result);

    [LoggerMessage(1107, LogLevel.Information, "s2s link {Local} -> {Remote}: {Count} stanzas the dropped connection had not written bounced")]
    public static partial void UnwrittenBounced(ILogger logger, string local, string remote, int count);
}
