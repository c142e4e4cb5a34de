using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Routing;

/// <summary>
/// An account with at least one bound session on this node: its sessions (one per resource) and the state
/// that presence and roster logic keep in memory while the user is online. Sessions of one user may live
/// on different event loops, so changes go through <see cref="Gate"/>; the session array is copy-on-write
/// so that routing reads it without locking.
/// </summary>
public sealed class LocalUser
{
    private XmppSession[] _sessions = [];

    internal LocalUser(byte[] bareJid)
    {
        BareJid = bareJid;
    }

    /// <summary>Normalized bare JID bytes (local@domain).</summary>
    public byte[] BareJid { get; }

    /// <summary>Serializes changes to this user's sessions and in-memory IM state.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Set once the user left the routing table; a binder that finds it retries with a fresh entry.</summary>
    internal bool Retired { get; set; }

    /// <summary>The user's bound sessions (a snapshot; safe to enumerate from any thread).</summary>
    public ReadOnlySpan<XmppSession> Sessions => Volatile.Read(ref _sessions);

    /// <summary>State owned by the presence/roster logic (RFC 6121) while the user is online.</summary>
    public object? ImState { get; set; }

    /// <summary>State owned by the blocking logic (XEP-0191 blocklist) while the user is online.</summary>
    public object? BlockingState { get; set; }

    /// <summary>Finds the session bound to <paramref name="resource"/> (normalized bytes).</summary>
    public XmppSession? FindByResource(ReadOnlySpan<byte> resource)
    {
        foreach (var session in Sessions)
        {
            if (session.Resource.SequenceEqual(resource))
            {
                return session;
            }
        }

        return null;
    }

    /// <summary>Adds a session (under <see cref="Gate"/>), returning the one it replaces (same resource), if any.</summary>
    internal XmppSession? AddLocked(XmppSession session)
    {
        var current = _sessions;
        for (var i = 0; i < current.Length; i++)
        {
            if (current[i].Resource.SequenceEqual(session.Resource))
            {
                var replaced = current[i];
                var copy = (XmppSession[])current.Clone();
                copy[i] = session;
                Volatile.Write(ref _sessions, copy);
                return replaced;
            }
        }

        var grown = new XmppSession[current.Length + 1];
        current.CopyTo(grown, 0);
        grown[^1] = session;
        Volatile.Write(ref _sessions, grown);
        return null;
    }

    /// <summary>Removes a session (under <see cref="Gate"/>); returns false when it was not there (already replaced).</summary>
    internal bool RemoveLocked(XmppSession session)
    {
        var current = _sessions;
        var index = Array.IndexOf(current, session);
        if (index < 0)
        {
            return false;
        }

        var shrunk = new XmppSession[current.Length - 1];
        Array.Copy(current, 0, shrunk, 0, index);
        Array.Copy(current, index + 1, shrunk, index, current.Length - index - 1);
        Volatile.Write(ref _sessions, shrunk);
        return true;
    }
}
