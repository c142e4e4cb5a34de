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
/// features behind a hash are asked once (disco#info from the server to the first session that shows it) and
/// kept for every later session with that hash, after the answer was verified against the hash. A session's
/// features say which PEP nodes it wants notifications of (node + "+notify", XEP-0163 §4.4).
/// </summary>
internal sealed class CapsCache(PepOptions options)
{
    private const string QueryIdPrefix = "pepcaps-";

    private readonly ConcurrentDictionary<string, HashSet<string>> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingQuery> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<XmppSession, SessionCaps> _sessions = new();
    private readonly ConcurrentDictionary<string, List<XmppSession>> _waiting = new(StringComparer.Ordinal);
    private long _nextQuery;

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
        lock (current)
        {
            var wasAvailable = current.Available;
            current.Available = true;
            if (current.Key == key)
            {
                // The same caps again: due only when coming back from unavailable (XEP-0163 §4.3.2).
                return wasAvailable || current.Features is null ? null : current.TakeDue();
            }

            current.Key = key;
            if (_known.TryGetValue(key, out var features))
            {
                current.Features = features;
                return current.TakeDue();
            }

            current.Features = null;
        }

        var waiting = _waiting.GetOrAdd(key, static _ => []);
        lock (waiting)
        {
            waiting.Add(session);
            if (waiting.Count > 1)
            {
                return null; // asked already: one query per new hash
            }
        }

        Ask(session, key, hash, ver, CapsText.Attribute(c, "node"u8));
        return null;
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
        if (!_pending.TryGetValue(queryId, out var pending) || pending.Session != sender)
        {
            return false;
        }

        _pending.TryRemove(queryId, out _);
        HashSet<string>? features = null;
        var reader = XmlElementReader.Create(iq.Raw, XmppNames.NsClient);
        if (iq.TypeValue.SequenceEqual("result"u8) && reader.TryGetChild("query"u8, PepNames.DiscoInfoNs, out var query))
        {
            features = CapsVerifier.Verify(query, pending.Hash, pending.Ver);
        }

        if (features is not null && _known.Count < options.MaxCapsHashes)
        {
            _known.TryAdd(pending.Key, features);
        }

        if (!_waiting.TryRemove(pending.Key, out var waiting) || features is null)
        {
            return true; // unverifiable: the sessions get no notifications until they show other caps
        }

        lock (waiting)
        {
            foreach (var session in waiting)
            {
                if (_sessions.TryGetValue(session, out var caps))
                {
                    lock (caps)
                    {
                        if (caps.Key == pending.Key)
                        {
                            caps.Features = features;
                            if (caps.Available)
                            {
                                resolved.Add((session, caps.TakeDue()));
                            }
                        }
                    }
                }
            }
        }

        return true;
    }

    public void OnEnded(XmppSession session)
    {
        _sessions.TryRemove(session, out _);
        foreach (var (id, pending) in _pending)
        {
            if (pending.Session == session)
            {
                // The query dies with its session: the next session with this hash asks again.
                _pending.TryRemove(id, out _);
                _waiting.TryRemove(pending.Key, out _);
            }
        }
    }

    private void Ask(XmppSession session, string key, string hash, string ver, string node)
    {
        if (_pending.Count >= options.MaxPendingCapsQueries)
        {
            return;
        }

        var id = QueryIdPrefix + Interlocked.Increment(ref _nextQuery).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _pending[id] = new PendingQuery(session, key, hash, ver);
        using var writer = new PooledBufferWriter(512);
        writer.Write("<iq type='get'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, session.Domain);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, session.FullJid);
        EscapingWriter.WriteEscapedAttribute(writer, "id"u8, System.Text.Encoding.UTF8.GetBytes(id));
        writer.Write("><query xmlns='http://jabber.org/protocol/disco#info'"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, System.Text.Encoding.UTF8.GetBytes(node + "#" + ver));
        writer.Write("/></iq>"u8);
        session.Send(writer.WrittenSpan);
    }

    private sealed class SessionCaps
    {
        public string? Key { get; set; }

        public HashSet<string>? Features { get; set; }

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

    private sealed record PendingQuery(XmppSession Session, string Key, string Hash, string Ver);
}

/// <summary>A session's features, and those whose last items it already had in this availability (null: none).</summary>
internal sealed record LastItemsDue(HashSet<string> Features, HashSet<string>? AlreadySent);
