using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// Roster changes on a store several nodes write (a cluster). Any node may change any user's item (the contact's side
/// of a subscription runs on the sender's node), and each node holding the user online keeps a copy. So a change is
/// a compare-and-set against the item it was computed from: when another node changed the item first, the stored item
/// is read again (under the same stripe lock, which orders this node's own changes), the change is computed again on it
/// and retried, so nothing is applied twice or on a stale copy. Once durable it is announced; the other nodes holding
/// the user replace their copy by the stored item (<see cref="RefreshFromElsewhere"/>).
/// </summary>
internal sealed partial class RosterBook
{
    private const int MaxAttempts = 8;

    private async ValueTask<RosterChange> ChangeSharedAsync(ISharedRosterStore shared, byte[] owner, byte[] contact,
        Func<RosterItemRecord?, RosterItemRecord?> change, byte[]? deliveredIfChanged)
    {
        for (var attempt = 1; ; attempt++)
        {
            ValueTask<long> written;
            RosterItemRecord? before;
            RosterItemRecord? after;
            lock (StripeOf(owner))
            {
                // The first attempt trusts this node's copy (kept current by the announcements); a conflict reads the store.
                before = attempt == 1 ? Get(owner, contact) : Refresh(shared, owner, contact).Item;
                if (!TryApply(before, change, out after))
                {
                    return RosterChange.Unchanged(before);
                }

                written = shared.ReplaceAsync(owner, contact, before, after);
                PutCached(owner, contact, after);
            }

            long version;
            try
            {
                version = await written.ConfigureAwait(false);
            }
            catch
            {
                Restore(owner, contact, before, after);
                throw;
            }

            if (version >= 0)
            {
                shared.Announce(owner, contact, deliveredIfChanged);
                return new RosterChange(before, after, version);
            }

            if (attempt == MaxAttempts)
            {
                Restore(owner, contact, before, after);
                throw new InvalidOperationException($"The roster item changed on other nodes {MaxAttempts} times while this one tried to change it.");
            }
        }
    }

    /// <summary>
    /// Another node changed <paramref name="owner"/>'s item for <paramref name="contact"/>: when the owner's roster is
    /// in memory here, the stored item replaces this node's copy. False when the owner's roster is not loaded here
    /// (its next load reads the store).
    /// </summary>
    public bool RefreshFromElsewhere(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact, out RosterItemRecord? before, out RosterItemRecord? after, out long version)
    {
        before = after = null;
        version = 0;
        if (Shared is not { } shared || !_server.Routes.TryGetUser(owner, out var user))
        {
            return false;
        }

        // Under the gate: a load in progress (which may have read the store before the change) finishes first.
        lock (user.Gate)
        {
            if (UserRoster.Of(user) is null)
            {
                return false;
            }
        }

        lock (StripeOf(owner))
        {
            lock (user.Gate)
            {
                before = UserRoster.Of(user)?.Find(contact);
            }

            (after, version) = Refresh(shared, owner, contact);
        }

        return true;
    }

    /// <summary>Reads the stored item and roster version and puts them into the owner's cached roster (under the stripe lock).</summary>
    private (RosterItemRecord? Item, long Version) Refresh(ISharedRosterStore shared, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact)
    {
        var stored = shared.Read(owner, contact);
        PutCached(owner, contact, stored.Item);
        if (_server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
        {
            lock (user.Gate)
            {
                roster.Version = Math.Max(roster.Version, stored.Version);
            }
        }

        return stored;
    }

    /// <summary>
    /// After a write that failed or never applied: this node's copy goes back to the item it had, unless something put a
    /// newer one there since. No engine read here: a failing engine would hold the stripe for its timeout while every
    /// other failed write of the stripe's users waits (thread-pool starvation when the engine dies); the next
    /// announcement or load brings the stored item.
    /// </summary>
    private void Restore(byte[] owner, byte[] contact, RosterItemRecord? before, RosterItemRecord? after)
    {
        lock (StripeOf(owner))
        {
            if (!_server.Routes.TryGetUser(owner, out var user) || UserRoster.Of(user) is not { } roster)
            {
                return;
            }

            lock (user.Gate)
            {
                if (!ReferenceEquals(roster.Find(contact), after))
                {
                    return;
                }

                if (before is null)
                {
                    roster.Remove(contact);
                }
                else
                {
                    roster.Put(before);
                }
            }
        }
    }
}
