using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Exclusive ownership of a store folder for the life of the store: a lock file opened with
/// <see cref="FileShare.None"/> (an exclusive flock on Linux, a share-mode lock on Windows). The operating
/// system drops it when the process dies, so a crash never leaves a stale lock. A second process, or a
/// second store instance in this process, gets <see cref="StoreLockedException"/> before touching any file.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    public const string FileName = "store.lock";

    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    public static StoreLock Acquire(string directory)
    {
        try
        {
            var file = new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new StoreLock(file);
        }
        catch (IOException e)
        {
            throw new StoreLockedException(
                $"The store in '{directory}' is already open (by another process or another store instance); only one may use a folder at a time.",
                e)
            { Directory = directory };
        }
    }

    public void Dispose() => _file.Dispose();
}
