using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>Log messages of the node links between cluster nodes, with fixed event ids.</summary>
internal static partial class NodeLinkLog
{
    [LoggerMessage(1200, LogLevel.Information, "node link -> {Node} ready")]
    public static partial void LinkReady(ILogger logger, string node);

    [LoggerMessage(1201, LogLevel.Information, "node link -> {Node} failed: {Reason}; {Count} stanzas not acknowledged were handled as undeliverable")]
    public static partial void LinkFailed(ILogger logger, string node, string reason, int count);

    [LoggerMessage(1202, LogLevel.Information, "node link from {Node} ({Remote}) authenticated")]
    public static partial void InboundAuthenticated(ILogger logger, string node, string remote);

    [LoggerMessage(1203, LogLevel.Warning, "node link from {Remote} refused: {Reason}")]
    public static partial void InboundRefused(ILogger logger, string remote, string reason);
}
