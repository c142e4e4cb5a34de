using System.Diagnostics.CodeAnalysis;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Cold throw paths, kept out of the callers so those stay small and inlinable.</summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void InvalidKey(string name, int maxBytes) =>
        throw new ArgumentException($"Must be 1 to {maxBytes} bytes.", name);

    [DoesNotReturn]
    public static void ValueTooLarge(string name, int length, int maxBytes) =>
        throw new ArgumentException($"Is {length} bytes; the store's limit is {maxBytes} (StoreOptions.MaxValueBytes).", name);

    [DoesNotReturn]
    public static void BadRecord(RecordKind kind, string reason) =>
        throw new InvalidDataException($"Stored {kind} record is damaged: {reason}.");

    [DoesNotReturn]
    public static void Corrupt(string directory, string reason, Exception? inner = null) =>
        throw new StoreCorruptException(
            $"The store in '{directory}' cannot be opened: {reason}. Restore the folder from a backup, or move it away to start empty.",
            inner!)
        { Directory = directory };

    [DoesNotReturn]
    public static void Disposed() => throw new ObjectDisposedException("IDataStore");
}
