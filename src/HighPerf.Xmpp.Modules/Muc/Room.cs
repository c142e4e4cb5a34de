using System.Text;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// One chat room (XEP-0045): configuration, affiliations, occupants, subject and history. Every method runs
/// under <see cref="Gate"/>, on the event loop of whichever sender reached it, so a room's state changes in one
/// order. Occupants are found by session (fan-out sender) and by nickname, both without allocating.
/// </summary>
internal sealed partial class Room : IDisposable
{
    private readonly List<Occupant> _occupants = [];
    private readonly Dictionary<XmppSession, Occupant> _bySession = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<byte[], Occupant> _byNick = new(new Utf8KeyComparer());
    private readonly Dictionary<byte[], Occupant>.AlternateLookup<ReadOnlySpan<byte>> _byNickSpan;
    private readonly Dictionary<string, MucAffiliation> _affiliations = new(StringComparer.Ordinal);
    private readonly RoomHistory _history;
    private readonly MucService _service;

    public Room(MucService service, byte[] jid, RoomConfig config, bool locked)
    {
        _service = service;
        Jid = jid;
        JidString = Encoding.UTF8.GetString(jid);
        Config = config;
        Locked = locked;
        _byNickSpan = _byNick.GetAlternateLookup<ReadOnlySpan<byte>>();
        _history = new RoomHistory(config.HistoryLength);
    }

    public object Gate { get; } = new();

    /// <summary>room@service, normalized.</summary>
    public byte[] Jid { get; }

    public string JidString { get; }

    public RoomConfig Config { get; private set; }

    /// <summary>Created by a join and not yet configured (XEP-0045 §10.1): only owners may enter.</summary>
    public bool Locked { get; private set; }

    /// <summary>Set once the room is gone (destroyed, or the last occupant left a temporary room).</summary>
    public bool Destroyed { get; private set; }

    public int OccupantCount => _occupants.Count;

    /// <summary>The subject's text (empty: none) and who set it (null: the room).</summary>
    public string Subject { get; private set; } = "";

    private byte[]? SubjectFrom { get; set; }

    public MucAffiliation AffiliationOf(ReadOnlySpan<byte> bareJid)
    {
        if (_service.IsServiceAdmin(bareJid))
        {
            return MucAffiliation.Owner;
        }

        return _affiliations.TryGetValue(Encoding.UTF8.GetString(bareJid), out var affiliation) ? affiliation : MucAffiliation.None;
    }

    /// <summary>Stored affiliations (not the service admins'), for persistence and the admin lists.</summary>
    public IReadOnlyDictionary<string, MucAffiliation> Affiliations => _affiliations;

    /// <summary>Loads affiliations from the store (start-up only).</summary>
    public void RestoreAffiliation(string bareJid, MucAffiliation affiliation) => _affiliations[bareJid] = affiliation;

    public void RestoreSubject(string subject) => Subject = subject;

    /// <summary>The role an occupant of <paramref name="affiliation"/> gets on entering (XEP-0045 §5.1.2).</summary>
    private MucRole DefaultRole(MucAffiliation affiliation) => affiliation switch
    {
        MucAffiliation.Owner or MucAffiliation.Admin => MucRole.Moderator,
        MucAffiliation.Member => MucRole.Participant,
        _ => Config.Moderated ? MucRole.Visitor : MucRole.Participant,
    };

    /// <summary>Whether <paramref name="recipient"/> sees real JIDs: in non-anonymous rooms everyone, else moderators.</summary>
    private bool ShowsJidTo(Occupant recipient) => Config.NonAnonymous || recipient.Role == MucRole.Moderator;

    private Occupant? FindByNick(ReadOnlySpan<byte> nick) => _byNickSpan.TryGetValue(nick, out var occupant) ? occupant : null;

    public bool IsOccupant(XmppSession session)
    {
        lock (Gate)
        {
            return _bySession.ContainsKey(session);
        }
    }

    /// <summary>Sends <paramref name="notice"/> to every occupant (and the subject with status 110).</summary>
    private void Broadcast(in OccupantNotice notice)
    {
        foreach (var recipient in _occupants)
        {
            var self = ReferenceEquals(recipient, notice.Subject);
            MucPresence.Send(recipient.Session, notice, ShowsJidTo(recipient) || self, self ? MucStatus.Self : MucStatus.None);
        }
    }

    private void AddOccupant(Occupant occupant)
    {
        _occupants.Add(occupant);
        _bySession[occupant.Session] = occupant;
        _byNick[occupant.Nick] = occupant;
        _service.Sessions.Add(occupant.Session, this);
    }

    private void RemoveOccupant(Occupant occupant)
    {
        _occupants.Remove(occupant);
        _bySession.Remove(occupant.Session);
        _byNick.Remove(occupant.Nick);
        _service.Sessions.Remove(occupant.Session, this);
        if (_occupants.Count == 0 && !Config.Persistent)
        {
            // XEP-0045 §9.? : a temporary room is destroyed when the last occupant leaves.
            MarkDestroyed();
        }
    }

    private void MarkDestroyed()
    {
        Destroyed = true;
        _service.Forget(this);
        _history.Dispose();
    }

    public void Dispose()
    {
        lock (Gate)
        {
            _history.Dispose();
        }
    }
}
