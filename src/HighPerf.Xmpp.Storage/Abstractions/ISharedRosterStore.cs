namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// A roster store that several servers write at once (the nodes of a cluster on one engine). Each server keeps an
/// online user's roster in memory, so two things are needed that one server does not: a change is a compare-and-set
/// on the one item (a server whose copy is stale gets a conflict instead of overwriting another server's change), and
/// each server announces its durable changes so that the others refresh their copies of that user's roster.
/// </summary>
public interface ISharedRosterStore
{
    /// <summary>
    /// Writes <paramref name="next"/> (null: removes the item) for <paramref name="contact"/> only if the stored item is
    /// still <paramref name="expected"/> (null: absent), once durable. Returns the roster's new version, or -1 when the
    /// stored item differs (nothing written: read it again and redo the change).
    /// </summary>
    ValueTask<long> ReplaceAsync(ReadOnlyMemory<byte> user, ReadOnlyMemory<byte> contact, RosterItemRecord? expected, RosterItemRecord? next);

    /// <summary>The item (null when absent) and the roster's version, read together in one round trip.</summary>
    (RosterItemRecord? Item, long Version) Read(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact);

    /// <summary>
    /// Tells the other servers that <paramref name="user"/>'s item for <paramref name="contact"/> changed (call it once the
    /// change is durable). <paramref name="delivered"/>: the subscription stanza the change delivered to the user's
    /// available resources here (empty: none), which the others deliver to the resources they hold.
    /// </summary>
    void Announce(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered);

    /// <summary>Calls <paramref name="handler"/> for each change another server announced, one at a time in arrival order.</summary>
    void OnChanged(RosterChangedHandler handler);

    /// <summary>
    /// Calls <paramref name="handler"/> each time the store's connection is back after a loss, on a thread of its own:
    /// announcements sent meanwhile never arrived, and a write whose reply was lost may have landed, so copies held in
    /// memory are to be compared with the store.
    /// </summary>
    void OnReconnected(Action handler);
}

/// <summary>A change announced by another server (see <see cref="ISharedRosterStore.Announce"/>).</summary>
public delegate void RosterChangedHandler(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered);
