using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// The subscription state machine across the nodes of a cluster. A subscription stanza is processed where its sender
/// is bound, contact's side included, on the items in the shared store (compare-and-set: RosterBook.Shared.cs); every
/// change is announced once durable. A node holding the changed roster's owner online then does for its own sessions
/// what the writing node did for its own: its copy of the item becomes the stored one, the owner's interested
/// resources here get the roster push, the available ones the subscription stanza the change delivered, and when the
/// contact gained or lost the owner's presence ('from'), the owner's sessions here send it their presence or an
/// unavailable one (wherever the contact is bound), as <see cref="StartWatching"/> and <see cref="StopWatching"/> do.
/// </summary>
internal sealed partial class SubscriptionEngine
{
    /// <summary>Another node changed <paramref name="owner"/>'s item for <paramref name="contact"/> (the store's announcement thread).</summary>
    public void OnChangedElsewhere(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered)
    {
        try
        {
            if (!im.Rosters.RefreshFromElsewhere(owner, contact, out var before, out var after, out var version))
            {
                return;
            }

            if (!RosterItems.SameContent(before, after))
            {
                var listedBefore = before is { } b && RosterItems.IsListed(b);
                var listedAfter = after is { } a && RosterItems.IsListed(a);
                if (listedBefore || listedAfter)
                {
                    RosterPush.Send(Routes, owner, contact, listedAfter ? after : null, version);
                }
            }

            if (!delivered.IsEmpty)
            {
                DeliverToAvailable(owner, delivered);
            }

            var watched = RosterItems.HasFrom(before);
            var watches = RosterItems.HasFrom(after);
            if (watched != watches)
            {
                if (watches)
                {
                    StartWatching(owner: owner.ToArray(), watcher: contact.ToArray());
                }
                else
                {
                    StopWatching(owner: owner.ToArray(), watcher: contact.ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(im.Logger, "roster change from another node", ex);
        }
    }

    /// <summary>
    /// The store's connection is back after a loss (a thread-pool thread): the announcements of that time never arrived.
    /// Every roster held here is compared with the stored one (one read per user online here), and each item that
    /// differs is taken as announced: pushes, presence started or stopped, as <see cref="OnChangedElsewhere"/> does;
    /// the subscription stanza an announcement carried is lost with it (the contact's side shows the request again at
    /// the user's next login, RFC 6121 §3.1.3).
    /// </summary>
    public void ResyncAfterReconnect()
    {
        foreach (var user in Routes.Users)
        {
            try
            {
                Resync(user);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ModulesLog.StoreFailed(im.Logger, "roster comparison after the store reconnected", ex);
            }
        }
    }

    private void Resync(LocalUser user)
    {
        Dictionary<byte[], RosterItemRecord> held;
        lock (user.Gate)
        {
            if (UserRoster.Of(user) is not { } roster)
            {
                return;
            }

            held = new Dictionary<byte[], RosterItemRecord>(roster.Items.Count, new Utf8KeyComparer());
            foreach (var item in roster.Items)
            {
                held[item.Jid] = item;
            }
        }

        foreach (var stored in im.Server.Store.Rosters.GetAll(user.BareJid))
        {
            if (!held.Remove(stored.Jid, out var mine) || !RosterItems.SameContent(mine, stored))
            {
                OnChangedElsewhere(user.BareJid, stored.Jid, default);
            }
        }

        // Held here and gone from the store: removed elsewhere.
        foreach (var contact in held.Keys)
        {
            OnChangedElsewhere(user.BareJid, contact, default);
        }
    }
}
