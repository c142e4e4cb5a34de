using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// Roster item transitions of RFC 6121 Appendix A. Each takes a private copy of the item (or null) and
/// returns it changed, returns null to delete it, or returns it untouched when the stanza changes nothing.
/// </summary>
internal sealed partial class SubscriptionEngine
{
    // A.2.1: the user asks for the contact's presence.
    private static RosterItemRecord? OutboundSubscribe(RosterItemRecord? item, byte[] contact)
    {
        if (item is null)
        {
            return new RosterItemRecord { Jid = contact, PendingOut = true };
        }

        if (RosterItems.HasTo(item) || (item.PendingOut && !item.Hidden))
        {
            return item;
        }

        item.PendingOut = true;
        item.Hidden = false;
        return item;
    }

    // A.2.2 and §3.4: the user approves a request, or pre-approves one not yet made.
    private static RosterItemRecord? OutboundSubscribed(RosterItemRecord? item, byte[] contact)
    {
        if (item is { PendingIn: true })
        {
            return ApprovePending(item, contact, consumePreApproval: false);
        }

        if (RosterItems.HasFrom(item) || item is { PreApproved: true })
        {
            return item;
        }

        item ??= new RosterItemRecord { Jid = contact };
        item.PreApproved = true;
        item.Hidden = false;
        return item;
    }

    private static RosterItemRecord ApprovePending(RosterItemRecord? item, byte[] contact, bool consumePreApproval)
    {
        item ??= new RosterItemRecord { Jid = contact };
        item.Subscription = item.Subscription == SubscriptionState.To ? SubscriptionState.Both : SubscriptionState.From;
        item.PendingIn = false;
        item.PendingInStanza = null;
        item.Hidden = false;
        if (consumePreApproval)
        {
            item.PreApproved = false;
        }

        return item;
    }

    // A.2.3: the user stops receiving the contact's presence (or withdraws its request).
    private static RosterItemRecord? OutboundUnsubscribe(RosterItemRecord? item)
    {
        if (item is null || (!RosterItems.HasTo(item) && !item.PendingOut))
        {
            return item;
        }

        item.Subscription = item.Subscription switch
        {
            SubscriptionState.Both => SubscriptionState.From,
            SubscriptionState.To => SubscriptionState.None,
            var same => same,
        };
        item.PendingOut = false;
        return RosterItems.IsEmptyHidden(item) ? null : item;
    }

    // A.2.4: the user stops sending its presence to the contact (or declines a request).
    private static RosterItemRecord? OutboundUnsubscribed(RosterItemRecord? item)
    {
        if (item is null || (!RosterItems.HasFrom(item) && !item.PendingIn && !item.PreApproved))
        {
            return item;
        }

        item.Subscription = item.Subscription switch
        {
            SubscriptionState.Both => SubscriptionState.To,
            SubscriptionState.From => SubscriptionState.None,
            var same => same,
        };
        item.PendingIn = false;
        item.PendingInStanza = null;
        item.PreApproved = false;
        return RosterItems.IsEmptyHidden(item) ? null : item;
    }

    // A.3.2: the contact approved the user's request.
    private static RosterItemRecord? InboundSubscribed(RosterItemRecord? item)
    {
        if (item is null || !item.PendingOut)
        {
            return item; // no request outstanding: ignored, not delivered
        }

        item.Subscription = item.Subscription == SubscriptionState.From ? SubscriptionState.Both : SubscriptionState.To;
        item.PendingOut = false;
        return item;
    }

    // A.3.3: the subscriber cancelled its subscription (or its request).
    private static RosterItemRecord? InboundUnsubscribe(RosterItemRecord? item) => OutboundUnsubscribed(item);

    // A.3.4: the contact cancelled (or declined) the user's subscription.
    private static RosterItemRecord? InboundUnsubscribed(RosterItemRecord? item) => OutboundUnsubscribe(item);
}
