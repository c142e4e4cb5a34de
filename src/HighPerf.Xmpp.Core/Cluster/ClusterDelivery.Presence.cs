using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// Presence that comes over a link: a broadcast frame is fanned out to the listed sessions bound here (each still
/// available, each through the presence module's checks, as a local broadcast's deliveries), a probe frame is
/// answered by the presence module, and when a node is gone the sessions here get the unavailable presence owed
/// for each of its sessions they saw available (<see cref="RemotePresenceSeen"/>): each node for its own sessions.
/// </summary>
public sealed partial class ClusterDelivery
{
    private static ReadOnlySpan<byte> UnavailablePresence => "<presence type='unavailable'/>"u8;

    private const int PresenceNameEnd = 9;

    /// <summary>What this node's sessions were told is available on other nodes.</summary>
    public RemotePresenceSeen PresenceSeen { get; } = new();

    /// <summary>A <see cref="NodeFrame.Presence"/> frame's payload from node <paramref name="nodeId"/> (its link's loop).</summary>
    public void OnPresence(string nodeId, ReadOnlySpan<byte> payload)
    {
        if (!NodeFrame.TryReadAddressed(payload, out var bare, out var resource, out var body)
            || !NodePresenceFrame.TryReadPresence(body, out var fromAttribute, out var available, out var nameEnd, out var count, out var entries, out var stanza)
            || bare.Length + 1 + resource.Length > JidNormalizer.MaxJidBytes)
        {
            return;
        }

        Span<byte> source = stackalloc byte[bare.Length + 1 + resource.Length];
        bare.CopyTo(source);
        source[bare.Length] = (byte)'/';
        resource.CopyTo(source[(bare.Length + 1)..]);
        if (available)
        {
            PresenceSeen.Available(nodeId, source, fromAttribute, count, entries);
        }
        else
        {
            PresenceSeen.Unavailable(nodeId, source);
        }

        DeliverPresence(source, fromAttribute, StanzaSlices.OfClean(stanza, nameEnd), count, entries);
    }

    /// <summary>A <see cref="NodeFrame.Probe"/> frame's payload from node <paramref name="nodeId"/>.</summary>
    public void OnProbe(string nodeId, ReadOnlySpan<byte> payload)
    {
        var presence = server.Modules.Presence;
        if (presence is null
            || !NodeFrame.TryReadAddressed(payload, out var bare, out var resource, out var body)
            || !NodePresenceFrame.TryReadProbe(body, out var count, out var entries))
        {
            return;
        }

        for (var i = 0; i < count && NodePresenceFrame.TryNextContact(ref entries, out var contact); i++)
        {
            presence.AnswerNodeProbe(nodeId, bare, resource, contact);
        }
    }

    /// <summary>
    /// Node <paramref name="nodeId"/> stopped (its heartbeat expired, or it left): its sessions are gone, so each one
    /// this node's sessions saw available becomes unavailable for them (RFC 6121 §4.5.2, on its behalf).
    /// </summary>
    public void OnNodeDead(string nodeId)
    {
        var unavailable = StanzaSlices.OfClean(UnavailablePresence, PresenceNameEnd);
        foreach (var (source, fromAttribute, count, entries) in PresenceSeen.TakeNode(nodeId))
        {
            using (entries)
            {
                DeliverPresence(source, fromAttribute, unavailable, count, entries.WrittenSpan);
            }
        }
    }

    private void DeliverPresence(ReadOnlySpan<byte> source, ReadOnlySpan<byte> fromAttribute, scoped in StanzaSlices presence, int count, ReadOnlySpan<byte> entries)
    {
        var handler = server.Modules.Presence;
        for (var i = 0; i < count && NodePresenceFrame.TryNextRecipient(ref entries, out var bare, out var resource); i++)
        {
            var session = server.Routes.FindSession(bare, resource);
            if (session is null || !session.IsAvailable)
            {
                continue;
            }

            if (handler is null)
            {
                session.Send(presence.With(fromAttribute, session.ToAttribute));
            }
            else
            {
                handler.DeliverFromNode(source, fromAttribute, presence, session);
            }
        }
    }
}
