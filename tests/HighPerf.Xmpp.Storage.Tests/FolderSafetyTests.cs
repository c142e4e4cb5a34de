using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Storage.Tests;

/// <summary>A folder in use, or damaged, gives a clear error naming it — never a second writer or a silently empty store.</summary>
public sealed class FolderSafetyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private StoreOptions Options => new() { Directory = _folder.Path };

    [Fact]
    public async Task Second_open_of_the_same_folder_fails_with_StoreLockedException()
    {
        await using var first = FasterDataStore.Open(Options);

        var error = Assert.Throws<StoreLockedException>(() => FasterDataStore.Open(Options));

        Assert.Contains(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Equal(_folder.Path, error.Directory);
    }

    [Fact]
    public async Task Folder_can_be_opened_again_after_dispose()
    {
        await (await FasterDataStore.OpenAsync(Options)).DisposeAsync();
        await (await FasterDataStore.OpenAsync(Options)).DisposeAsync();
    }

    [Fact]
    public async Task Truncated_manifest() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        var path = Path.Combine(_folder.Path, "store.manifest");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..20]);
    });

    [Fact]
    public async Task Damaged_manifest() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        var path = Path.Combine(_folder.Path, "store.manifest");
        var bytes = File.ReadAllBytes(path);
        bytes[30] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    });

    [Fact]
    public async Task Missing_manifest_beside_store_files() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        File.Delete(Path.Combine(_folder.Path, "store.manifest"));
    });

    [Fact]
    public async Task Missing_checkpoint() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        Directory.Delete(Path.Combine(_folder.Path, "kv", "checkpoints"), recursive: true);
    });

    [Fact]
    public async Task Damaged_checkpoint_metadata() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        var files = Directory.GetFiles(Path.Combine(_folder.Path, "kv", "checkpoints", "cpr-checkpoints"), "info.dat*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
            File.WriteAllBytes(file, new byte[512]);
    });

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    public async Task Truncated_key_value_log(int length) => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: true);
        Truncate(Path.Combine(_folder.Path, "kv", "hlog.log.0"), length);
    });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Truncated_write_ahead_log(bool clean) => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean);
        Truncate(Path.Combine(_folder.Path, "wal", "wal.log.0"), 0);
    });

    [Fact]
    public async Task Missing_write_ahead_log_after_unclean_stop() => await AssertCorruptAsync(async () =>
    {
        await WriteSomethingAsync(clean: false);
        File.Delete(Path.Combine(_folder.Path, "wal", "wal.log.0"));
    });

    private async Task WriteSomethingAsync(bool clean)
    {
        var store = (FasterStore)FasterDataStore.Open(Options);
        for (var i = 0; i < 300; i++)
            await store.Accounts.CreateAsync(System.Text.Encoding.UTF8.GetBytes($"user{i}@example.com"), Accounts.Make(i));
        if (clean)
            await store.DisposeAsync();
        else
            store.Abandon();
    }

    private async Task AssertCorruptAsync(Func<Task> damage)
    {
        await damage();

        var error = Assert.Throws<StoreCorruptException>(() => FasterDataStore.Open(Options));

        Assert.Contains(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Equal(_folder.Path, error.Directory);

        // The failed open released the folder, and it fails the same way again (nothing was "repaired" to empty).
        Assert.Throws<StoreCorruptException>(() => FasterDataStore.Open(Options));
    }

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }
}
