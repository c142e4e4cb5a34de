using System.Collections.Concurrent;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// On the node a room lives on: one stand-in session (<see cref="XmppSession.ForRemoteEntity"/> over a
/// <see cref="RemoteOccupantTransport"/>) per full JID on another node that sends to the rooms here, so that the rooms
/// treat it as any occupant (found by session, answered through it). Kept while it is in a room; found without
/// allocating once it exists.
/// </summary>
internal sealed class RemoteOccupants
{
    private readonly ConcurrentDictionary<byte[], XmppSession> _byJid = new(new Utf8KeyComparer());
    private readonly ConcurrentDictionary<byte[], XmppSession>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    public RemoteOccupants() => _lookup = _byJid.GetAlternateLookup<ReadOnlySpan<byte>>();

    public static bool IsStandIn(XmppSession session) => session.Transport is RemoteOccupantTransport;

    /// <summary>
    /// The stand-in for <paramref name="bareJid"/>/<paramref name="resource"/> on <paramref name="nodeId"/>. When one exists
    /// for another node, the full JID was bound again there (the old session is gone): <paramref name="replaced"/> is
    /// the old stand-in, for the caller to evict.
    /// </summary>
    public XmppSession Get(XmppServer server, IRoomPlacement placement, string nodeId, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, out XmppSession? replaced)
    {
        replaced = null;
        Span<byte> full = stackalloc byte[bareJid.Length + 1 + resource.Length];
        bareJid.CopyTo(full);
        full[bareJid.Length] = (byte)'/';
        resource.CopyTo(full[(bareJid.Length + 1)..]);
        if (_lookup.TryGetValue(full, out var existing))
        {
            if (((RemoteOccupantTransport)existing.Transport).NodeId == nodeId)
            {
                return existing;
            }

            replaced = existing;
        }

        var key = full.ToArray();
        var transport = new RemoteOccupantTransport(placement, nodeId, bareJid.ToArray(), resource.ToArray(), key);
        var standIn = XmppSession.ForRemoteEntity(server, transport, key, JidParts.OfNormalized(key));
        _byJid[key] = standIn;
        return standIn;
    }

    /// <summary>Forgets the stand-in (it is in no room any more), unless another replaced it meanwhile.</summary>
    public void Forget(XmppSession standIn)
    {
        var key = ((RemoteOccupantTransport)standIn.Transport).FullJid;
        ((ICollection<KeyValuePair<byte[], XmppSession>>)_byJid).Remove(new KeyValuePair<byte[], XmppSession>(key, standIn));
    }

    /// <summary>Takes out every stand-in of the dead node <paramref name="nodeId"/>, its transport stopped.</summary>
    public List<XmppSession> TakeNode(string nodeId)
    {
        var taken = new List<XmppSession>();
        foreach (var (_, standIn) in _byJid)
        {
            var transport = (RemoteOccupantTransport)standIn.Transport;
            if (transport.NodeId == nodeId)
            {
                transport.MarkDead();
                Forget(standIn);
                taken.Add(standIn);
            }
        }

        return taken;
    }
}
