using System.Collections.Concurrent;
using System.Security.Cryptography;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>Resumable sessions by their XEP-0198 id (random, unguessable), attached or detached.</summary>
internal sealed class ResumptionRegistry
{
    private readonly ConcurrentDictionary<string, XmppSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public string Add(XmppSession session)
    {
        while (true)
        {
            var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
            if (_sessions.TryAdd(id, session))
            {
                return id;
            }
        }
    }

    /// <summary>A snapshot of the sessions (for shutdown).</summary>
    public XmppSession[] Snapshot() => [.. _sessions.Values];

    public XmppSession? Find(string id) => _sessions.TryGetValue(id, out var session) ? session : null;

    public void Remove(string id, XmppSession session)
        => _sessions.TryRemove(new KeyValuePair<string, XmppSession>(id, session));
}
