using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Rooms;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Transport.Cluster;
using HighPerf.Xmpp.Transport.Hosting;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>With cluster.enabled: joins the session directory on the store's engine connection and returns the module
/// that keeps this node's sessions listed there; with cluster.secret also the node links and the router's view of
/// the other nodes.</summary>
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

    /// <summary>Creates the node links and sets the router's cluster routes (before any listener accepts clients).</summary>
    public static NodeLinkHost CreateLinks(ServerConfig config, XmppServer server, XmppTransportHost transport, DirectoryModule module, ILogger logger)
    {
        var tls = LoadLinkTls(config.Cluster, logger);
        var directory = module.Directory;
        var links = new NodeLinks(server, directory.NodeId, new NodeLinkOptions { Secret = Encoding.UTF8.GetBytes(config.Cluster.Secret!) },
            directory.AddressOfAsync);
        module.Links = links;
        directory.NodeDead += links.Delivery.OnNodeDead;
        var host = new NodeLinkHost(links, transport, tls);
        server.Cluster = new ClusterRoutes(directory, links);
        server.RoomPlacement = new RoomPlacement(server, directory, links);
        return host;
    }

    /// <summary>The shared link certificate with cluster.tls on (a file that cannot be loaded stops the start); null with it off.</summary>
    private static NodeLinkTls? LoadLinkTls(ClusterConfig cluster, ILogger logger)
    {
        if (!cluster.Tls)
        {
            ServerLog.ClusterLinksPlain(logger);
            return null;
        }

        try
        {
            var tls = NodeLinkTls.Load(Path.GetFullPath(cluster.Certificate!), Path.GetFullPath(cluster.Key!));
            ServerLog.ClusterLinksTls(logger, tls.Fingerprint);
            return tls;
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException("cluster.certificate/cluster.key: " + ex.Message);
        }
    }

    /// <summary>Starts the node-link listener and publishes its address in the directory.</summary>
    public static async Task StartLinksAsync(ServerConfig config, NodeLinkHost links, DirectoryModule module)
    {
        await links.StartAsync(ConfigLoader.ParseEndPoint(config.Cluster.Listen, "cluster.listen")).ConfigureAwait(false);
        var advertised = config.Cluster.Advertise ?? links.BoundEndPoint!.ToString();
        await module.Directory.AdvertiseAsync(advertised).ConfigureAwait(false);
    }
}
