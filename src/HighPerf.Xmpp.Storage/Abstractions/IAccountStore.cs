namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Accounts keyed by normalized bare-JID bytes. Every Task-returning write completes only once the write
/// is durable (covered by a commit).
/// </summary>
public interface IAccountStore
{
    /// <summary>The login path: synchronous and allocation-free.</summary>
    bool TryGet(ReadOnlySpan<byte> user, out AccountRecord record);

    /// <summary>Creates the account; false when it already exists.</summary>
    ValueTask<bool> CreateAsync(ReadOnlyMemory<byte> user, AccountRecord record);

    /// <summary>Replaces the credentials (password change); false when the account does not exist.</summary>
    ValueTask<bool> UpdateAsync(ReadOnlyMemory<byte> user, AccountRecord record);

    /// <summary>Deletes the account record only (the caller also clears the user's other data); false when absent.</summary>
    ValueTask<bool> DeleteAsync(ReadOnlyMemory<byte> user);
}
