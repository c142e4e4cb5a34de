using HighPerf.Xmpp.Server.Configuration;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// The cluster settings of a node in the cross-node tests: one Garnet engine, the test class's own key prefix (classes
/// share no directory or store keys), a 1 s heartbeat and a short session TTL, so that a dead node is noticed within
/// the test's patience.
/// </summary>
internal static class ClusterNodeConfig
{
    public static void Apply(ServerConfig config, string engine, string prefix, string nodeId, string secret, int sessionTtlSeconds = 4, bool tls = true)
    {
        config.Cluster.Enabled = true;
        config.Cluster.Endpoints = [engine];
        config.Cluster.KeyPrefix = prefix;
        config.Cluster.NodeId = nodeId;
        config.Cluster.Secret = secret;
        config.Cluster.Tls = tls;
        config.Cluster.HeartbeatSeconds = 1;
        config.Cluster.SessionTtlSeconds = sessionTtlSeconds;
    }
}
