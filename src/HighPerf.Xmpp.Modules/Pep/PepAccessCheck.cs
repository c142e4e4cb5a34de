using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>Who may retrieve a node's items (XEP-0060 §6.5.9, XEP-0163 §4.2).</summary>
internal static class PepAccessCheck
{
    /// <summary>The error to answer <paramref name="requester"/> with, or null when it may read the node.</summary>
    public static byte[]? Refusal(IRosterStore rosters, ReadOnlySpan<byte> owner, ReadOnlySpan<byte> requester, PepNodeRecord record)
    {
        var access = PepNodeConfig.Decode(record.Configuration).Access;
        if (owner.SequenceEqual(requester) || access == PepAccess.Open)
        {
            return null;
        }

        if (access == PepAccess.Whitelist)
        {
            return PepWhitelist.Contains(PepWhitelist.Read(record.Configuration), requester) ? null : PepNames.ClosedNode.ToArray();
        }

        return rosters.Get(owner, requester) is { Subscription: SubscriptionState.From or SubscriptionState.Both }
            ? null
            : PepNames.PresenceSubscriptionRequired.ToArray();
    }
}
