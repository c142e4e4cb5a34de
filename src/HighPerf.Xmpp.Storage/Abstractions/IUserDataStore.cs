namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Opaque per-user documents keyed by (user, key): private XML storage (XEP-0049, key = namespace bytes),
/// vCards (XEP-0054), and similar. Values are stored as given.
/// </summary>
public interface IUserDataStore
{
    /// <summary>The stored value, or null.</summary>
    byte[]? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> key);

    /// <summary>Stores (or with an empty value, keeps an empty) document; completes once durable.</summary>
    ValueTask SetAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value);

    ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> key);

    /// <summary>Deletes every document of the user (account deletion).</summary>
    ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user);
}
