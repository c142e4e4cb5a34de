using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// Reads and changes roster items for online and offline users alike. The store is the truth; an online
/// user's <see cref="UserRoster"/> is a cache updated under the same lock. A change is applied at once
/// (visible to the next read) and its <see cref="RosterChange.Durable"/> task completes after the group
/// commit that covers it: callers acknowledge (result, push, delivery) only then.
/// </summary>
internal sealed class RosterBook
{
    private const int Stripes = 256;
    private readonly XmppServer _server;
    private readonly Lock[] _stripes = new Lock[Stripes];

    public RosterBook(XmppServer server)
    {
        _server = server;
        for (var i = 0; i < Stripes; i++)
        {
            _stripes[i] = new Lock();
        }
    }

    public IRosterStore Store => _server.Store.Rosters;

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
    /// </summary>
    public RosterChange Change(byte[] owner, byte[] contact, Func<RosterItemRecord?, RosterItemRecord?> change)
    {
        lock (_stripes[(uint)Utf8Hash(owner) % Stripes])
        {
            var before = Get(owner, contact);
            var draft = before is null ? null : RosterItems.Clone(before);
            var after = change(draft);
            if (ReferenceEquals(after, draft) && (draft is null || SameState(before!, draft)))
            {
                return RosterChange.Unchanged(before);
            }

            var durable = after is null ? Store.RemoveAsync(owner, contact) : Store.SetAsync(owner, after);
            if (_server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
            {
                lock (user.Gate)
                {
                    if (after is null)
                    {
                        roster.Remove(contact);
                    }
                    else
                    {
                        roster.Put(after);
                    }
                }
            }

            return new RosterChange(before, after, durable);
        }
    }

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
