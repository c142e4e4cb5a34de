using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Session directory {Operation} failed")]
    public static partial void DirectoryFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Information, Message = "Cluster node {NodeId} is dead (no heartbeat): its sessions are no longer listed")]
    public static partial void NodeDead(ILogger logger, string nodeId);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Information, Message = "Engine connection back: directory cache dropped, {Removes} session removals replayed, this node's sessions listed again")]
    public static partial void DirectoryRestored(ILogger logger, int removes);
}
