using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Opens the FASTER-backed store in <see cref="StoreOptions.Directory"/>: a new folder starts empty, an
/// existing one is recovered to its last commit. Throws <see cref="StoreLockedException"/> when the folder is
/// in use and <see cref="StoreCorruptException"/> when its files cannot be recovered (never an empty store
/// in place of lost data). Durability is described on the store class: every write completes only once a
/// group commit of the write-ahead log covers it.
/// </summary>
public static class FasterDataStore
{
    /// <summary>Opens (recovering, which reads files) on the calling thread.</summary>
    public static IDataStore Open(StoreOptions options) => FasterStore.Open(options);

    /// <summary>Opens on a thread-pool thread, for callers that must not block.</summary>
    public static ValueTask<IDataStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Open(options), cancellationToken));
}
