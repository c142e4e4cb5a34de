using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// Reads and changes roster items for online and offline users alike. The store is the truth; an online
/// user's <see cref="UserRoster"/> is a cache updated under the same lock. A change is applied at once
/// (visible to the next read) and the task <see cref="ChangeAsync"/> returns completes after the commit that covers
/// it: callers acknowledge (result, push, delivery) only then. On a store several nodes write
/// (<see cref="ISharedRosterStore"/>, RosterBook.Shared.cs) a change is a compare-and-set redone on the stored item
/// when this node's copy was stale, and is announced to the other nodes once durable.
/// </summary>
internal sealed partial class RosterBook
{
    private const int Stripes = 256;
    private readonly XmppServer _server;
    private readonly Lock[] _stripes = new Lock[Stripes];

    public RosterBook(XmppServer server)
    {
        _server = server;
        Shared = server.Store.Rosters as ISharedRosterStore;
        for (var i = 0; i < Stripes; i++)
        {
            _stripes[i] = new Lock();
        }
    }

    public IRosterStore Store => _server.Store.Rosters;

    /// <summary>The store's cluster side when several nodes write it; null on a single node.</summary>
    public ISharedRosterStore? Shared { get; }

    /// <summary>The current item, or null.</summary>
    public RosterItemRecord? Get(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact)
    {
        if (_server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
        {
            lock (user.Gate)
            {
                return roster.Find(contact);
            }
        }

        return Store.Get(owner, contact);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the item (argument: a clone of the current item, or null). It
    /// returns the new item, null to delete it, or the argument unchanged (same reference) for no change.
    /// <paramref name="deliveredIfChanged"/>: the stanza the caller delivers to the owner's available resources when
    /// the item changed (the other nodes deliver it to theirs).
    /// </summary>
    public ValueTask<RosterChange> ChangeAsync(byte[] owner, byte[] contact, Func<RosterItemRecord?, RosterItemRecord?> change, byte[]? deliveredIfChanged = null)
    {
        if (Shared is { } shared)
        {
            return ChangeSharedAsync(shared, owner, contact, change, deliveredIfChanged);
        }

        ValueTask<long> durable;
        RosterItemRecord? before;
        RosterItemRecord? after;
        lock (StripeOf(owner))
        {
            before = Get(owner, contact);
            if (!TryApply(before, change, out after))
            {
                return ValueTask.FromResult(RosterChange.Unchanged(before));
            }

            durable = after is null ? Store.RemoveAsync(owner, contact) : Store.SetAsync(owner, after);
            PutCached(owner, contact, after);
        }

        return CompleteAsync(durable, before, after);
    }

    private static async ValueTask<RosterChange> CompleteAsync(ValueTask<long> durable, RosterItemRecord? before, RosterItemRecord? after)
        => new(before, after, await durable.ConfigureAwait(false));

    /// <summary>Runs <paramref name="change"/> on a clone of <paramref name="before"/>; false when it changes nothing.</summary>
    private static bool TryApply(RosterItemRecord? before, Func<RosterItemRecord?, RosterItemRecord?> change, out RosterItemRecord? after)
    {
        var draft = before is null ? null : RosterItems.Clone(before);
        after = change(draft);
        return !ReferenceEquals(after, draft) || (draft is not null && !SameState(before!, draft));
    }

    /// <summary>Updates the online owner's cached roster (nothing when the owner is not online here).</summary>
    private void PutCached(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact, RosterItemRecord? item)
    {
        if (_server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
        {
            lock (user.Gate)
            {
                if (item is null)
                {
                    roster.Remove(contact);
                }
                else
                {
                    roster.Put(item);
                }
            }
        }
    }

    private Lock StripeOf(ReadOnlySpan<byte> owner) => _stripes[(uint)Utf8Hash(owner) % Stripes];

    private static bool SameState(RosterItemRecord a, RosterItemRecord b)
        => a.Subscription == b.Subscription && a.PendingIn == b.PendingIn && a.PendingOut == b.PendingOut
            && a.PreApproved == b.PreApproved && a.Hidden == b.Hidden && ReferenceEquals(a.Name, b.Name)
            && ReferenceEquals(a.Groups, b.Groups) && ReferenceEquals(a.PendingInStanza, b.PendingInStanza);

    private static int Utf8Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
