using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// XEP-0115 entity capabilities of the bound sessions: a session's available presence names a 'ver' hash; the
/// features behind a hash are asked once (disco#info from the server to a session that shows it) and, once the
/// answer hashes to the 'ver' (§5.4), kept for every later session with that hash. An answer that does not hash
/// to its 'ver' is used for the session that gave it only, and the next session waiting for that hash is asked.
/// Queries are bounded (in all and per account) and expire after the timeout; a later presence asks again. A
/// session's features say which PEP nodes it wants notifications of (node + "+notify", XEP-0163 §4.4).
/// </summary>
internal sealed class CapsCache(PepOptions options)
{
    private const string QueryIdPrefix = "pepcaps-";

    private readonly ConcurrentDictionary<string, HashSet<string>> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<XmppSession, SessionCaps> _sessions = new();

    // Queries and the sessions waiting for a hash's features change together, under _gate.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingQuery> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _pendingByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<XmppSession>> _waiting = new(StringComparer.Ordinal);
    private long _nextQuery;
    private long _nextSweep;

    /// <summary>Caps queries waiting for an answer (for tests and metrics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>The session's features, or null while they are unknown (no caps, or the query is pending).</summary>
    public HashSet<string>? FeaturesOf(XmppSession session)
        => _sessions.TryGetValue(session, out var caps) ? caps.Features : null;

    /// <summary>
    /// Reads the caps of an available presence. Returns what the session is due now (its features, and those it
    /// had the last items for already in this availability) when its features are known and either it was not
    /// available before or its caps changed; null when nothing is due (a repeated presence with the same caps, no
    /// caps, or the features are being asked).
    /// </summary>
    public LastItemsDue? OnAvailable(XmppSession session, in XmlElement presence)
    {
        var reader = XmlElementReader.Create(presence.Raw, XmppNames.NsClient);
        var current = _sessions.GetOrAdd(session, static _ => new SessionCaps());
        if (!reader.TryGetChild("c"u8, PepNames.CapsNs, out var c) || !c.TryGetAttribute("hash"u8, out _) || !c.TryGetAttribute("ver"u8, out _))
        {
            // No caps, or legacy caps (XEP-0115 v1.3 without 'hash') whose features cannot be verified: nothing
            // wanted, but the session is available (a later presence with caps is not a return from unavailable).
            lock (current)
            {
                current.Available = true;
            }

            return null;
        }

        var hash = CapsText.Attribute(c, "hash"u8);
        var ver = CapsText.Attribute(c, "ver"u8);
        var key = hash + " " + ver;
        string? previousKey = null;
        lock (current)
        {
            var wasAvailable = current.Available;
            current.Available = true;
            if (current.Key == key && current.Features is not null)
            {
                // The same caps again: due only when coming back from unavailable (XEP-0163 §4.3.2).
                return wasAvailable ? null : current.TakeDue();
            }

            if (current.Key != key)
            {
                previousKey = current.Key;
                current.Key = key;
                current.Features = null;
                if (_known.TryGetValue(key, out var features))
                {
                    current.Features = features;
                }
            }
        }

        byte[]? query;
        lock (_gate)
        {
            SweepExpired();
            if (previousKey is not null)
            {
                StopWaiting(session, previousKey);
            }

            if (current.Features is not null)
            {
                query = null; // known hash: no query
            }
            else
            {
                if (!_waiting.TryGetValue(key, out var waiting))
                {
                    _waiting[key] = waiting = [];
                }

                if (!waiting.Contains(session))
                {
                    waiting.Add(session);
                }

                // One query per hash at a time; none over the bounds (a later presence asks again); never the same
                // session again for a hash it answered unusably.
                query = _pendingByKey.ContainsKey(key) || current.Refused == key ? null : TryAsk(session, key, hash, ver, CapsText.Attribute(c, "node"u8));
            }
        }

        if (query is not null)
        {
            session.Send(query);
            return null;
        }

        lock (current)
        {
            return current.Key == key && current.Features is not null ? current.TakeDue() : null;
        }
    }

    /// <summary>An unavailable presence: the next available one brings the last items again.</summary>
    public void OnUnavailable(XmppSession session)
    {
        if (_sessions.TryGetValue(session, out var current))
        {
            lock (current)
            {
                current.Available = false;
                current.Sent = null;
            }
        }
    }

    /// <summary>
    /// Takes the answer to one of our disco#info queries (an iq result or error the session sent to the server)
    /// and returns the available sessions whose features became known, with what each is due (empty when none).
    /// False when the iq is not an answer of ours.
    /// </summary>
    public bool TryTakeAnswer(XmppSession sender, in XmlElement iq, out List<(XmppSession Session, LastItemsDue Due)> resolved)
    {
        resolved = [];
        var id = iq.IdValue;
        if (!id.StartsWith("pepcaps-"u8))
        {
            return false;
        }

        var queryId = CapsText.Decode(id);
        PendingQuery? pending;
        lock (_gate)
        {
            if (!_pending.TryGetValue(queryId, out pending) || pending.Session != sender)
            {
                return false;
            }

            Forget(queryId, pending);
        }

        HashSet<string>? features = null;
        var verified = false;
        var reader = XmlElementReader.Create(iq.Raw, XmppNames.NsClient);
        if (iq.TypeValue.SequenceEqual("result"u8) && reader.TryGetChild("query"u8, PepNames.DiscoInfoNs, out var query))
        {
            features = CapsVerifier.Verify(query, pending.Hash, pending.Ver, out verified);
        }

        if (verified)
        {
            if (_known.Count < options.MaxCapsHashes)
            {
                _known.TryAdd(pending.Key, features!);
            }

            List<XmppSession>? waiting;
            lock (_gate)
            {
                _waiting.Remove(pending.Key, out waiting);
            }

            foreach (var session in waiting ?? [])
            {
                Resolve(session, pending.Key, features!, resolved);
            }

            return true;
        }

        // §5.4: not valid caps for this 'ver'. What the sender said of itself serves the sender alone (when well
        // formed); the next session waiting for this hash is asked.
        if (features is not null)
        {
            Resolve(sender, pending.Key, features, resolved);
        }
        else if (_sessions.TryGetValue(sender, out var refused))
        {
            refused.Refused = pending.Key;
        }

        XmppSession? next = null;
        byte[]? again = null;
        lock (_gate)
        {
            StopWaiting(sender, pending.Key);
            if (_waiting.TryGetValue(pending.Key, out var waiting) && waiting.Count > 0 && !_pendingByKey.ContainsKey(pending.Key))
            {
                next = waiting[0];
                again = TryAsk(next, pending.Key, pending.Hash, pending.Ver, pending.Node);
            }
        }

        if (again is not null)
        {
            next!.Send(again);
        }

        return true;
    }

    public void OnEnded(XmppSession session)
    {
        _sessions.TryRemove(session, out var caps);
        lock (_gate)
        {
            if (caps?.Key is { } key)
            {
                StopWaiting(session, key);
            }

            List<string>? ended = null;
            foreach (var (id, pending) in _pending)
            {
                if (pending.Session == session)
                {
                    (ended ??= []).Add(id);
                }
            }

            // The query dies with its session: the next session with this hash asks again.
            foreach (var id in ended ?? [])
            {
                Forget(id, _pending[id]);
            }
        }
    }

    /// <summary>Gives the session the features when it still shows the hash; an available one is due its last items.</summary>
    private void Resolve(XmppSession session, string key, HashSet<string> features, List<(XmppSession, LastItemsDue)> resolved)
    {
        if (!_sessions.TryGetValue(session, out var caps))
        {
            return;
        }

        lock (caps)
        {
            if (caps.Key == key && caps.Features is null)
            {
                caps.Features = features;
                if (caps.Available)
                {
                    resolved.Add((session, caps.TakeDue()));
                }
            }
        }
    }

    /// <summary>Builds the disco#info query for the session and records it; null over the bounds. Under _gate.</summary>
    private byte[]? TryAsk(XmppSession session, string key, string hash, string ver, string node)
    {
        if (_pending.Count >= options.MaxPendingCapsQueries)
        {
            return null;
        }

        var ofAccount = 0;
        foreach (var pending in _pending.Values)
        {
            if (pending.Session.BareJid.SequenceEqual(session.BareJid) && ++ofAccount >= options.MaxPendingCapsQueriesPerAccount)
            {
                return null; // a client cycling hashes cannot hold more than its share of the queries
            }
        }

        var id = QueryIdPrefix + Interlocked.Increment(ref _nextQuery).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pending[id] = new PendingQuery(session, key, hash, ver, node, Environment.TickCount64 + (options.CapsQueryTimeoutSeconds * 1000L));
        _pendingByKey[key] = id;
        using var writer = new PooledBufferWriter(512);
        writer.Write("<iq type='get'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, session.Domain);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, session.FullJid);
        EscapingWriter.WriteEscapedAttribute(writer, "id"u8, System.Text.Encoding.UTF8.GetBytes(id));
        writer.Write("><query xmlns='http://jabber.org/protocol/disco#info'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, System.Text.Encoding.UTF8.GetBytes(node + "#" + ver));
        writer.Write("/></iq>"u8);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Drops the queries past their deadline (at most one sweep a second). Under _gate.</summary>
    private void SweepExpired()
    {
        var now = Environment.TickCount64;
        if (now < _nextSweep || _pending.Count == 0)
        {
            return;
        }

        _nextSweep = now + 1000;
        List<string>? expired = null;
        foreach (var (id, pending) in _pending)
        {
            if (now >= pending.Deadline)
            {
                (expired ??= []).Add(id);
            }
        }

        foreach (var id in expired ?? [])
        {
            Forget(id, _pending[id]);
        }
    }

    /// <summary>Removes a query. Under _gate.</summary>
    private void Forget(string id, PendingQuery pending)
    {
        _pending.Remove(id);
        if (_pendingByKey.TryGetValue(pending.Key, out var current) && current == id)
        {
            _pendingByKey.Remove(pending.Key);
        }
    }

    /// <summary>The session no longer waits for the hash's features. Under _gate.</summary>
    private void StopWaiting(XmppSession session, string key)
    {
        if (_waiting.TryGetValue(key, out var waiting))
        {
            waiting.Remove(session);
            if (waiting.Count == 0)
            {
                _waiting.Remove(key);
            }
        }
    }

    private sealed class SessionCaps
    {
        public string? Key { get; set; }

        public HashSet<string>? Features { get; set; }

        /// <summary>A hash this session answered with an error or a malformed answer: it is not asked it again.</summary>
        public string? Refused { get; set; }

        /// <summary>Between an available and an unavailable presence.</summary>
        public bool Available { get; set; }

        /// <summary>The features the last items were sent for in this availability (null: none yet).</summary>
        public HashSet<string>? Sent { get; set; }

        public LastItemsDue TakeDue()
        {
            var due = new LastItemsDue(Features!, Sent);
            Sent = Features;
            return due;
        }
    }

    private sealed record PendingQuery(XmppSession Session, string Key, string Hash, string Ver, string Node, long Deadline);
}

/// <summary>A session's features, and those whose last items it already had in this availability (null: none).</summary>
internal sealed record LastItemsDue(HashSet<string> Features, HashSet<string>? AlreadySent);
