namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// Rosters keyed by normalized bare-JID bytes of the owner and of each contact. A change rewrites the
/// changed item (and a small index part), never the whole roster. Writes complete once durable and return
/// the roster's new version (a per-user counter, as used for XEP-0237 'ver').
/// </summary>
public interface IRosterStore
{
    /// <summary>All items of the user's roster, in no particular order.</summary>
    IReadOnlyList<RosterItemRecord> GetAll(ReadOnlySpan<byte> user);

    /// <summary>One item; null when the contact is not in the roster.</summary>
    RosterItemRecord? Get(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact);

    /// <summary>The roster's current version; 0 for an empty roster that was never changed.</summary>
    long GetVersion(ReadOnlySpan<byte> user);

    /// <summary>Adds or replaces one item; returns the new version.</summary>
    ValueTask<long> SetAsync(ReadOnlyMemory<byte> user, RosterItemRecord item);

    /// <summary>Removes one item; returns the new version (unchanged when the item was absent).</summary>
    ValueTask<long> RemoveAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> contact);

    /// <summary>Removes the whole roster (account deletion).</summary>
    ValueTask DeleteAllAsync(ReadOnlyMemory<byte> user);
}
