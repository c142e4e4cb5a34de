using System.Text;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Cluster.Tests.Store;
using HighPerf.Xmpp.Storage.Abstractions;

// The namespace of the linked contract tests, whose base class this is in this project.
namespace HighPerf.Xmpp.Storage.Tests;

/// <summary>Each test gets its own key prefix on the shared Garnet engine; "reopen" is a new connection.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly string _prefix = SharedGarnet.NewPrefix();
    private string _endpoint = "";

    protected IDataStore Store { get; private set; } = null!;

    /// <summary>The FASTER options the contract tests adjust; the Garnet store takes the limits it shares with them.</summary>
    protected virtual StoreOptions CreateOptions() => new() { Directory = "(garnet)" };

    public async Task InitializeAsync()
    {
        _endpoint = (await SharedGarnet.GetAsync()).EndPoint;
        Store = await OpenAsync();
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    /// <summary>A new connection to the same engine and prefix: everything must be read back from the engine.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await OpenAsync();
    }

    protected static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<IDataStore> OpenAsync()
    {
        var options = CreateOptions();
        return await GarnetDataStore.ConnectAsync(new GarnetStoreOptions
        {
            Endpoints = [_endpoint],
            KeyPrefix = _prefix,
            OfflineMessagesPerUser = options.OfflineMessagesPerUser,
            MaxValueBytes = options.MaxValueBytes,
        });
    }
}
