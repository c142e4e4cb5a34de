using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>
/// Online users of this node keyed by normalized bare-JID bytes, looked up with spans so that routing
/// decodes no strings. Full-JID lookups go through the user's (small) session list.
/// </summary>
public sealed class RoutingTable
{
    private readonly ConcurrentDictionary<byte[], LocalUser> _users;
    private readonly ConcurrentDictionary<byte[], LocalUser>.AlternateLookup<ReadOnlySpan<byte>> _byBareJid;
    private int _sessionCount;

    public RoutingTable()
    {
        _users = new ConcurrentDictionary<byte[], LocalUser>(new Utf8KeyComparer());
        _byBareJid = _users.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Bound sessions on this node.</summary>
    public int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>Users with at least one bound session.</summary>
    public int UserCount => _users.Count;

    public bool TryGetUser(ReadOnlySpan<byte> bareJid, [NotNullWhen(true)] out LocalUser? user)
        => _byBareJid.TryGetValue(bareJid, out user);

    /// <summary>Finds the session bound to a full JID given as bare part + resource.</summary>
    public XmppSession? FindSession(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
        => TryGetUser(bareJid, out var user) ? user.FindByResource(resource) : null;

    /// <summary>All users online (a snapshot enumeration; for admin commands and broadcasts, not routing).</summary>
    public IEnumerable<LocalUser> Users => _users.Values;

    /// <summary>
    /// Binds <paramref name="session"/> under its bare JID. Returns the user entry and the session it replaced
    /// (same full JID), which the caller closes with a conflict stream error.
    /// </summary>
    internal LocalUser Attach(XmppSession session, out XmppSession? replaced)
    {
        while (true)
        {
            var user = _byBareJid.TryGetValue(session.BareJid, out var existing)
                ? existing
                : _users.GetOrAdd(session.BareJid.ToArray(), static key => new LocalUser(key));
            lock (user.Gate)
            {
                if (user.Retired)
                {
                    continue;
                }

                replaced = user.AddLocked(session);
                if (replaced is null)
                {
                    Interlocked.Increment(ref _sessionCount);
                }

                return user;
            }
        }
    }

    /// <summary>Unbinds <paramref name="session"/>; returns true when it was the user's last session.</summary>
    internal bool Detach(LocalUser user, XmppSession session)
    {
        lock (user.Gate)
        {
            if (!user.RemoveLocked(session))
            {
                return false;
            }

            Interlocked.Decrement(ref _sessionCount);
            if (user.Sessions.Length > 0)
            {
                return false;
            }

            user.Retired = true;
            _users.TryRemove(new KeyValuePair<byte[], LocalUser>(user.BareJid, user));
            return true;
        }
    }
}
