using System.Text;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Storage.Tests;

/// <summary>Each test gets its own store in a fresh temp folder, on real FASTER files.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    protected TempFolder Folder { get; } = new();

    protected IDataStore Store { get; set; } = null!;

    protected virtual StoreOptions CreateOptions() => new() { Directory = Folder.Path };

    public Task InitializeAsync()
    {
        Store = FasterDataStore.Open(CreateOptions());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Folder.Dispose();
    }

    /// <summary>Dispose and open the same folder again: everything must come back from disk.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = FasterDataStore.Open(CreateOptions());
    }

    protected static byte[] B(string text) => Encoding.UTF8.GetBytes(text);
}
