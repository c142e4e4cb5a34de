using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>Rules about roster records shared by the roster and presence logic.</summary>
internal static class RosterItems
{
    /// <summary>
    /// True for an item the user sees in the roster. A record that only remembers an inbound subscription
    /// request from someone the user never added ("None + Pending In" without an item, RFC 6121 §3.1.3) is kept
    /// as a hidden record and never listed or pushed.
    /// </summary>
    public static bool IsListed(RosterItemRecord item) => !item.Hidden;

    /// <summary>The contact receives the user's presence.</summary>
    public static bool HasFrom(RosterItemRecord? item) => item is not null && item.Subscription is SubscriptionState.From or SubscriptionState.Both;

    /// <summary>The user receives the contact's presence.</summary>
    public static bool HasTo(RosterItemRecord? item) => item is not null && item.Subscription is SubscriptionState.To or SubscriptionState.Both;

    public static RosterItemRecord Clone(RosterItemRecord item) => new()
    {
        Jid = item.Jid,
        Name = item.Name,
        Groups = item.Groups,
        Subscription = item.Subscription,
        PendingOut = item.PendingOut,
        PendingIn = item.PendingIn,
        PreApproved = item.PreApproved,
        PendingInStanza = item.PendingInStanza,
        Hidden = item.Hidden,
    };

    /// <summary>A new hidden record for a contact the user has not added.</summary>
    public static RosterItemRecord NewHidden(byte[] contact) => new() { Jid = contact, Hidden = true };

    /// <summary>True when a hidden record no longer remembers anything and can be deleted.</summary>
    public static bool IsEmptyHidden(RosterItemRecord item)
        => item.Hidden && !item.PendingIn && !item.PreApproved && item.Subscription == SubscriptionState.None && !item.PendingOut;

    /// <summary>True when two records (one read from the store, one held in memory) say the same.</summary>
    public static bool SameContent(RosterItemRecord? a, RosterItemRecord? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Subscription != b.Subscription || a.PendingIn != b.PendingIn || a.PendingOut != b.PendingOut
            || a.PreApproved != b.PreApproved || a.Hidden != b.Hidden || (a.Name is null) != (b.Name is null)
            || !a.Name.AsSpan().SequenceEqual(b.Name) || !a.PendingInStanza.AsSpan().SequenceEqual(b.PendingInStanza)
            || a.Groups.Count != b.Groups.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Groups.Count; i++)
        {
            if (!a.Groups[i].AsSpan().SequenceEqual(b.Groups[i]))
            {
                return false;
            }
        }

        return true;
    }
}
