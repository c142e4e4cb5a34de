using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>Which store the configuration asks for: the embedded FASTER store (the default) or, with cluster.enabled,
/// the Garnet engine the cluster's nodes share.</summary>
internal static class StoreSetup
{
    public static async Task<IDataStore> OpenAsync(ServerConfig config)
    {
        if (!config.Cluster.Enabled)
        {
            return await FasterDataStore.OpenAsync(ServerHost.StoreOptionsFrom(config)).ConfigureAwait(false);
        }

        return await GarnetDataStore.ConnectAsync(GarnetOptionsFrom(config)).ConfigureAwait(false);
    }

    public static GarnetStoreOptions GarnetOptionsFrom(ServerConfig config) => new()
    {
        Endpoints = config.Cluster.Endpoints,
        KeyPrefix = config.Cluster.KeyPrefix,
        Password = config.Cluster.Password,
        OfflineMessagesPerUser = config.Storage.OfflineMessagesPerUser,
        Timeout = TimeSpan.FromSeconds(config.Cluster.TimeoutSeconds),
    };
}
