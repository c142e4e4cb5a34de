using System.Collections.Concurrent;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The open connections of a host, so that shutdown can tell every one of them, authenticated or not, that
/// the server is going away. Touched once at connect and once at close, never per stanza.
/// </summary>
internal sealed class ConnectionSet
{
    private readonly ConcurrentDictionary<XmppConnection, byte> _open = new();
    private volatile bool _closed;

    public ConnectionSet(ConnectionLimiter limiter)
    {
        Limiter = limiter;
    }

    /// <summary>The connection limits of the host.</summary>
    public ConnectionLimiter Limiter { get; }

    public int Count => _open.Count;

    /// <summary>Adds a new connection; false once the host is stopping (the connection is then told so itself,
    /// since the stopper's snapshot may have been taken before it arrived).</summary>
    public bool Add(XmppConnection connection)
    {
        _open.TryAdd(connection, 0);
        return !_closed;
    }

    /// <summary>Marks the set as stopping: connections accepted from now on are turned away.</summary>
    public void Close() => _closed = true;

    public void Remove(XmppConnection connection) => _open.TryRemove(connection, out _);

    /// <summary>Walks the open connections without locking the set (connections may come and go meanwhile): for
    /// metrics and admin commands, where <see cref="Snapshot"/>'s lock over every bucket would stall accepts.</summary>
    public IEnumerable<XmppConnection> Walk()
    {
        foreach (var pair in _open)
        {
            yield return pair.Key;
        }
    }

    /// <summary>A snapshot (safe while connections come and go).</summary>
    public ICollection<XmppConnection> Snapshot() => _open.Keys;
}
