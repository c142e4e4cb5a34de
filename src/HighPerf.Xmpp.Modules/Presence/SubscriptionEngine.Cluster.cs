using HighPerf.Xmpp.Modules.Roster;

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
}
