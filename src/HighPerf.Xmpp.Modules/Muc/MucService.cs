using System.Collections.Concurrent;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Storage.Abstractions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// The rooms of one MUC service: lookup by room JID without allocating, creation by join, persistence of
/// persistent rooms in the store (configuration and affiliations, acknowledged once durable) and the index
/// of persistent rooms that brings them back at start-up.
/// </summary>
internal sealed class MucService
{
    private static readonly byte[] RoomKey = "muc-room"u8.ToArray();
    private static readonly byte[] IndexKey = "muc-rooms"u8.ToArray();
    private readonly ConcurrentDictionary<byte[], Room> _rooms = new(new Utf8KeyComparer());
    private readonly ConcurrentDictionary<byte[], Room>.AlternateLookup<ReadOnlySpan<byte>> _roomsByJid;
    private readonly HashSet<string> _persistentIndex = new(StringComparer.Ordinal);
    private readonly HashSet<string> _admins;
    private readonly object _indexGate = new();
    private readonly XmppServer _server;
    private readonly ILogger _logger;

    public MucService(XmppServer server, MucOptions options, string domain)
    {
        _server = server;
        Options = options;
        Domain = domain;
        DomainBytes = Encoding.UTF8.GetBytes(domain);
        _roomsByJid = _rooms.GetAlternateLookup<ReadOnlySpan<byte>>();
        _admins = new HashSet<string>(options.Admins.Select(a => a.ToLowerInvariant()), StringComparer.Ordinal);
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules.Muc");
    }

    public MucOptions Options { get; }

    public string Domain { get; }

    public byte[] DomainBytes { get; }

    public SessionRooms Sessions { get; } = new();

    private IUserDataStore Store => _server.Store.UserData;

    /// <summary>
    /// The error for a message or an iq to an occupant of a room that does not exist. One node: item-not-found. In a
    /// cluster a room whose node died is gone for its occupants (a temporary room is not stored), and they must learn
    /// that they are no longer joined: not-acceptable, on which clients join again (XEP-0410 §3.2 reads item-not-found
    /// on a self-ping as "still joined").
    /// </summary>
    public StanzaErrorCondition MissingRoomCondition
        => _server.RoomPlacement is null ? StanzaErrorCondition.ItemNotFound : StanzaErrorCondition.NotAcceptable;

    public bool IsServiceAdmin(ReadOnlySpan<byte> bareJid) => _admins.Count > 0 && _admins.Contains(Encoding.UTF8.GetString(bareJid));

    public bool TryGet(ReadOnlySpan<byte> roomJid, out Room room) => _roomsByJid.TryGetValue(roomJid, out room!);

    /// <summary>Rooms as a snapshot (disco#items; not for routing).</summary>
    public ICollection<Room> Rooms => _rooms.Values;

    /// <summary>The room, created (locked, awaiting configuration) when it does not exist and the creator may create rooms.</summary>
    public Room? GetOrCreate(ReadOnlySpan<byte> roomJid, ReadOnlySpan<byte> creatorBareJid, out bool created)
    {
        created = false;
        if (_roomsByJid.TryGetValue(roomJid, out var room))
        {
            return room;
        }

        if (!Options.AllowRoomCreation && !IsServiceAdmin(creatorBareJid))
        {
            return null;
        }

        var candidate = new Room(this, roomJid.ToArray(), RoomConfig.Defaults(Options), locked: true);
        room = _rooms.GetOrAdd(candidate.Jid, candidate);
        created = ReferenceEquals(room, candidate);
        return room;
    }

    /// <summary>Removes a destroyed room (called under its lock).</summary>
    public void Forget(Room room) => _rooms.TryRemove(new KeyValuePair<byte[], Room>(room.Jid, room));

    /// <summary>Queues a stanza for a local user: the full JID's session, or every available session of a bare JID.</summary>
    public void DeliverToUser(ReadOnlySpan<byte> jid, ReadOnlySpan<byte> stanza)
    {
        var parts = JidParts.OfNormalized(jid);
        if (!_server.IsLocalDomain(parts.Domain(jid)))
        {
            return; // no federation: remote invitees are not reachable
        }

        if (parts.HasResource)
        {
            _server.Routes.FindSession(parts.Bare(jid), parts.Resource(jid))?.Send(stanza);
            return;
        }

        if (_server.Routes.TryGetUser(jid, out var user))
        {
            foreach (var session in user.Sessions)
            {
                if (session.IsAvailable)
                {
                    session.Send(stanza);
                }
            }
        }
    }

    /// <summary>
    /// Stores the room when it is persistent (or deletes its record when it stopped being), then answers
    /// <paramref name="reply"/> once the write is durable. Holds the room's lock so that writes reach the store in
    /// the order the changes were made.
    /// </summary>
    public void SaveIfPersistent(Room room, DeferredIqReply? reply, bool wasPersistent = false)
    {
        Task write;
        lock (room.Gate)
        {
            if (room.Config.Persistent && !room.Destroyed)
            {
                var record = RoomRecord.Write(room.Config, room.Subject, room.Affiliations);
                write = Combine(Store.SetAsync(room.Jid, RoomKey, record), UpdateIndex(room.JidString, add: true));
            }
            else if (wasPersistent || room.Destroyed)
            {
                write = Combine(Store.DeleteAsync(room.Jid, RoomKey).AsTask(), UpdateIndex(room.JidString, add: false));
            }
            else
            {
                reply?.ReplyResult();
                return;
            }
        }

        _ = AcknowledgeAsync(write, reply);
    }

    /// <summary>Brings back the persistent rooms (start-up).</summary>
    public void Load()
    {
        var index = Store.Get(DomainBytes, IndexKey);
        if (index is null)
        {
            return;
        }

        foreach (var jid in Encoding.UTF8.GetString(index).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var record = Store.Get(Encoding.UTF8.GetBytes(jid), RoomKey);
            if (record is null)
            {
                continue;
            }

            var room = Restore(Encoding.UTF8.GetBytes(jid), record);
            _rooms[room.Jid] = room;
            _persistentIndex.Add(jid);
        }
    }

    /// <summary>
    /// Cluster: this node just took the room over (it was nobody's, or its node died). Whatever copy this node holds
    /// is stale (loaded at start-up, or from an earlier turn); the room is what the shared store has, if persistent.
    /// </summary>
    public void Reload(ReadOnlySpan<byte> roomJid)
    {
        var jid = roomJid.ToArray();
        if (_rooms.TryRemove(jid, out var stale))
        {
            stale.Dispose();
        }

        var record = Store.Get(jid, RoomKey);
        if (record is not null)
        {
            var room = Restore(jid, record);
            _rooms[room.Jid] = room;
        }
    }

    private Room Restore(byte[] jid, byte[] record)
    {
        var (config, subject, affiliations) = RoomRecord.Read(record);
        var room = new Room(this, jid, config, locked: false);
        room.RestoreSubject(subject);
        foreach (var (bare, affiliation) in affiliations)
        {
            room.RestoreAffiliation(bare, affiliation);
        }

        return room;
    }

    private Task UpdateIndex(string roomJid, bool add)
    {
        lock (_indexGate)
        {
            if (!(add ? _persistentIndex.Add(roomJid) : _persistentIndex.Remove(roomJid)))
            {
                return Task.CompletedTask;
            }

            var list = Encoding.UTF8.GetBytes(string.Join('\n', _persistentIndex));
            return list.Length == 0 ? Store.DeleteAsync(DomainBytes, IndexKey).AsTask() : Store.SetAsync(DomainBytes, IndexKey, list).AsTask();
        }
    }

    private static Task Combine(ValueTask first, Task second) => Task.WhenAll(first.AsTask(), second);

    private static Task Combine(Task first, Task second) => Task.WhenAll(first, second);

    private async Task AcknowledgeAsync(Task write, DeferredIqReply? reply)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger, "muc room", ex);
            reply?.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        reply?.ReplyResult();
    }
}
