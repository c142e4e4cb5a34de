using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// A session's presence state (RFC 6121 §4): its last available presence, kept without 'from'/'to' in a
/// buffer reused across updates so that re-sending it (to a contact coming online, to a new resource)
/// allocates nothing; and the JIDs it sent directed presence to, owed an unavailable at logout. The buffer is sized
/// to the presence (rounded up to 32 bytes), so a bare &lt;presence/&gt; costs 32 bytes and a status change that grows it
/// allocates once. The lock is the object itself: it is reachable only through its session's presence state, which
/// nothing else locks, and a <see cref="Lock"/> would cost 40 bytes per idle session.
/// </summary>
internal sealed class SessionPresence
{
    private byte[] _last = [];
    private int _lastLength;
    private int _lastNameEnd;
    private List<byte[]>? _directed;

    public static SessionPresence Of(XmppSession session)
        => session.PresenceState as SessionPresence ?? Attach(session);

    /// <summary>Keeps <paramref name="element"/> (minus its from/to) as the last available presence.</summary>
    public void StoreLast(in XmlElement element)
    {
        var slices = StanzaSlices.Of(element, cutTo: true);
        lock (this)
        {
            if (_last.Length < slices.Length)
            {
                _last = new byte[(slices.Length + 31) & ~31];
            }

            _lastLength = slices.CopyTo(_last);
            _lastNameEnd = slices.Head.Length;
        }
    }

    /// <summary>Sends the last available presence to <paramref name="recipient"/>, from <paramref name="fromAttribute"/>.
    /// False when there is none.</summary>
    public bool SendLast(XmppSession recipient, ReadOnlySpan<byte> fromAttribute)
    {
        lock (this)
        {
            if (_lastLength == 0)
            {
                return false;
            }

            recipient.Send(StanzaSlices.OfClean(_last.AsSpan(0, _lastLength), _lastNameEnd).With(fromAttribute, recipient.ToAttribute));
            return true;
        }
    }

    /// <summary>Sends the last available presence of <paramref name="source"/> (whose state this is) to a session on another node.</summary>
    public void SendLastToNode(IClusterRoutes cluster, string nodeId, XmppSession source, ReadOnlySpan<byte> recipientBare, ReadOnlySpan<byte> recipientResource)
    {
        lock (this)
        {
            if (_lastLength > 0)
            {
                cluster.SendPresence(nodeId, source, StanzaSlices.OfClean(_last.AsSpan(0, _lastLength), _lastNameEnd), recipientBare, recipientResource);
            }
        }
    }

    /// <summary>Sends the last available presence of <paramref name="source"/> (whose state this is) to the sessions
    /// <paramref name="subscribers"/> have on other nodes; nothing when there is none.</summary>
    public void BroadcastLastToNodes(IClusterRoutes cluster, XmppSession source, ReadOnlySpan<byte[]> subscribers, IClusterRecipientFilter filter)
    {
        lock (this)
        {
            if (_lastLength > 0)
            {
                cluster.BroadcastPresence(source, StanzaSlices.OfClean(_last.AsSpan(0, _lastLength), _lastNameEnd), available: true, subscribers, filter);
            }
        }
    }

    public void ClearLast()
    {
        lock (this)
        {
            _lastLength = 0;
            if (_last.Length > 1024)
            {
                _last = [];
            }
        }
    }

    /// <summary>Remembers a directed-presence recipient (normalized JID) while the session is available.</summary>
    public void AddDirected(ReadOnlySpan<byte> jid)
    {
        lock (this)
        {
            _directed ??= [];
            foreach (var existing in _directed)
            {
                if (existing.AsSpan().SequenceEqual(jid))
                {
                    return;
                }
            }

            _directed.Add(jid.ToArray());
        }
    }

    public void RemoveDirected(ReadOnlySpan<byte> jid)
    {
        lock (this)
        {
            if (_directed is null)
            {
                return;
            }

            for (var i = _directed.Count - 1; i >= 0; i--)
            {
                if (_directed[i].AsSpan().SequenceEqual(jid))
                {
                    _directed.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Takes the directed-presence recipients (the list is emptied).</summary>
    public List<byte[]>? TakeDirected()
    {
        lock (this)
        {
            var directed = _directed;
            _directed = null;
            return directed;
        }
    }

    private static SessionPresence Attach(XmppSession session)
        => (SessionPresence)session.GetOrAddPresenceState(new SessionPresence());
}
