using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// On an occupant's node: the rooms on other nodes each local session sent available presence to, so that a session
/// that ends or goes unavailable leaves them too (the room's node cannot see the session end). A room the session
/// left by itself may stay listed: the extra unavailable presence it then gets is ignored there.
/// </summary>
internal sealed class RemoteRooms
{
    private readonly ConcurrentDictionary<XmppSession, HashSet<string>> _rooms = new(ReferenceEqualityComparer.Instance);

    public void Joined(XmppSession session, ReadOnlySpan<byte> roomJid)
    {
        var rooms = _rooms.GetOrAdd(session, static _ => new HashSet<string>(StringComparer.Ordinal));
        lock (rooms)
        {
            var lookup = rooms.GetAlternateLookup<ReadOnlySpan<char>>();
            Span<char> chars = stackalloc char[roomJid.Length];
            var length = System.Text.Encoding.UTF8.GetChars(roomJid, chars);
            if (!lookup.Contains(chars[..length]))
            {
                rooms.Add(new string(chars[..length]));
            }
        }
    }

    public void Left(XmppSession session, ReadOnlySpan<byte> roomJid)
    {
        if (_rooms.TryGetValue(session, out var rooms))
        {
            lock (rooms)
            {
                rooms.Remove(System.Text.Encoding.UTF8.GetString(roomJid));
            }
        }
    }

    public bool IsInAny(XmppSession session) => _rooms.ContainsKey(session);

    /// <summary>Takes the session's rooms (it is leaving them all).</summary>
    public string[] Take(XmppSession session)
    {
        if (!_rooms.TryRemove(session, out var rooms))
        {
            return [];
        }

        lock (rooms)
        {
            return [.. rooms];
        }
    }
}
