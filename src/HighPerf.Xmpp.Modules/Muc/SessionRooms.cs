using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Which rooms each session is in, so that a session that ends (or goes unavailable) leaves them all.</summary>
internal sealed class SessionRooms
{
    private readonly ConcurrentDictionary<XmppSession, List<Room>> _rooms = new(ReferenceEqualityComparer.Instance);

    public void Add(XmppSession session, Room room)
    {
        var list = _rooms.GetOrAdd(session, static _ => []);
        lock (list)
        {
            list.Add(room);
        }
    }

    public void Remove(XmppSession session, Room room)
    {
        if (!_rooms.TryGetValue(session, out var list))
        {
            return;
        }

        lock (list)
        {
            list.Remove(room);
            if (list.Count == 0)
            {
                _rooms.TryRemove(new KeyValuePair<XmppSession, List<Room>>(session, list));
            }
        }
    }

    public bool IsInAnyRoom(XmppSession session) => _rooms.ContainsKey(session);

    /// <summary>A snapshot of the session's rooms.</summary>
    public Room[] Of(XmppSession session)
    {
        if (!_rooms.TryGetValue(session, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }
}
