using System.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// After a XEP-0198 resume whose detached session dropped presence updates to stay within its bound, the
/// client's view of its contacts is stale in both directions, so it gets the whole current state again: the last
/// presence of every available contact resource (what initial presence brings) and an unavailable presence
/// from the bare JID of every contact with none available. Runs once per such resume: it may allocate.
/// </summary>
internal sealed partial class PresenceBroadcaster
{
    public void ResyncAfterGap(XmppSession session)
    {
        if (!session.IsAvailable)
        {
            return; // it never sent initial presence: it was not getting presence in the first place
        }

        SendPresenceToNewResource(session);
        var contacts = Contacts(session.User!, RosterItems.HasTo, out var count);
        try
        {
            var stanza = StanzaSlices.OfClean(Unavailable, UnavailableNameEnd);
            for (var i = 0; i < count; i++)
            {
                if (Routes.TryGetUser(contacts[i], out var contact) && HasAvailableSession(contact))
                {
                    continue;
                }

                var jid = contacts[i];
                var fromAttribute = ArrayPool<byte>.Shared.Rent(jid.Length + 8);
                " from='"u8.CopyTo(fromAttribute);
                jid.CopyTo(fromAttribute.AsSpan(7));
                fromAttribute[7 + jid.Length] = (byte)'\'';

                // Normalized JIDs hold no apostrophe (RFC 7622 forbids it in localparts), so no escaping is needed.
                session.Send(stanza.With(fromAttribute.AsSpan(0, jid.Length + 8), session.ToAttribute));
                ArrayPool<byte>.Shared.Return(fromAttribute);
            }
        }
        finally
        {
            ArrayPool<byte[]>.Shared.Return(contacts, clearArray: true);
        }
    }
}
