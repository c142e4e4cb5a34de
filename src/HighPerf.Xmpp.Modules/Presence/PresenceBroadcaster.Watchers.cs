using System.Buffers;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// Initial presence (RFC 6121 §4.2, §4.3 probes answered locally, §4.4 own resources) and the upkeep of
/// every online user's set of available watchers. Sets are changed under their owner's gate only; no two
/// gates are ever held at once.
/// </summary>
internal sealed partial class PresenceBroadcaster
{
    /// <summary>
    /// After a session's initial presence was stored and broadcast: it receives the current presence of its
    /// contacts (what probes would bring) and of the user's other resources.
    /// </summary>
    public void SendPresenceToNewResource(XmppSession session)
    {
        var user = session.User!;
        foreach (var other in user.Sessions)
        {
            if (other != session && other.IsAvailable)
            {
                SessionPresence.Of(other).SendLast(session, other.FromAttribute);
            }
        }

        var contacts = Contacts(user, RosterItems.HasTo, out var count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (!Routes.TryGetUser(contacts[i], out var contact))
                {
                    continue;
                }

                var blocking = im.Blocking;
                foreach (var source in contact.Sessions)
                {
                    if (source.IsAvailable && (blocking is null || !blocking.Separates(user, session, contact, source)))
                    {
                        SessionPresence.Of(source).SendLast(session, source.FromAttribute);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }

    /// <summary>The user now has an available resource: find who watches it, and join the watcher sets of
    /// the contacts it watches.</summary>
    public void OnUserAvailable(LocalUser user)
    {
        var roster = im.RosterOf(user);
        lock (user.Gate)
        {
            roster.ClearWatchers();
            foreach (var item in roster.Items)
            {
                if (RosterItems.HasFrom(item) && Routes.TryGetUser(item.Jid, out var watcher) && HasAvailableSession(watcher))
                {
                    roster.AddWatcher(watcher);
                }
            }
        }

        var contacts = Contacts(user, RosterItems.HasTo, out var count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (Routes.TryGetUser(contacts[i], out var contact))
                {
                    AddWatcher(contact, user);
                }
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }

    /// <summary>The user has no available resource left: leave the watcher sets it was in.</summary>
    public void OnUserUnavailable(LocalUser user)
    {
        var contacts = Contacts(user, RosterItems.HasTo, out var count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (Routes.TryGetUser(contacts[i], out var contact))
                {
                    RemoveWatcher(contact, user);
                }
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }

    /// <summary>Adds <paramref name="watcher"/> to <paramref name="owner"/>'s set when the owner's roster
    /// really gives it a 'from' subscription and the watcher has an available resource.</summary>
    public static void AddWatcher(LocalUser owner, LocalUser watcher)
    {
        if (UserRoster.Of(owner) is not { } roster || !HasAvailableSession(watcher))
        {
            return;
        }

        lock (owner.Gate)
        {
            if (RosterItems.HasFrom(roster.Find(watcher.BareJid)))
            {
                roster.AddWatcher(watcher);
            }
        }
    }

    public static void RemoveWatcher(LocalUser owner, LocalUser watcher)
    {
        if (UserRoster.Of(owner) is not { } roster)
        {
            return;
        }

        lock (owner.Gate)
        {
            roster.RemoveWatcher(watcher);
        }
    }

    /// <summary>The user's listed contacts matching <paramref name="filter"/>, copied out under the gate into
    /// a pooled array (the caller returns it) so that nothing else runs while the gate is held.</summary>
    private byte[][] Contacts(LocalUser user, Func<Storage.Abstractions.RosterItemRecord, bool> filter, out int count)
    {
        var roster = im.RosterOf(user);
        lock (user.Gate)
        {
            var result = ArrayPool<byte[]>.Shared.Rent(Math.Max(1, roster.Items.Count));
            count = 0;
            foreach (var item in roster.Items)
            {
                if (RosterItems.IsListed(item) && filter(item))
                {
                    result[count++] = item.Jid;
                }
            }

            return result;
        }
    }
}
