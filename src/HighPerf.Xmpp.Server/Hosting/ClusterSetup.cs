using System.Security.Cryptography;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Storage.Abstractions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>With cluster.enabled: joins the session directory on the store's engine connection and returns the module
/// that keeps this node's sessions listed there.</summary>
internal static class ClusterSetup
{
    public static async Task<DirectoryModule> CreateDirectoryModuleAsync(ServerConfig config, IDataStore store, ILoggerFactory loggerFactory)
    {
        var garnet = (GarnetDataStore)store;
        var cluster = config.Cluster;
        // One id per start: a restarted node's old entries die with its old heartbeat instead of looking like its own.
        var nodeId = $"{cluster.NodeId ?? Environment.MachineName}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var directory = await SessionDirectory.StartAsync(garnet.Connection, new SessionDirectoryOptions
        {
            NodeId = nodeId,
            KeyPrefix = cluster.KeyPrefix,
            Heartbeat = TimeSpan.FromSeconds(cluster.HeartbeatSeconds),
            Ttl = TimeSpan.FromSeconds(cluster.SessionTtlSeconds),
        }, loggerFactory.CreateLogger("HighPerf.Xmpp.Cluster")).ConfigureAwait(false);
        ServerLog.ClusterJoined(loggerFactory.CreateLogger("HighPerf.Xmpp.Server"), nodeId, string.Join(", ", cluster.Endpoints));
        return new DirectoryModule(directory);
    }
}
