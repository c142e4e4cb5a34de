using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Presence;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>
/// Presence after a blocklist change (XEP-0191 §3.3, §3.4), for the user's roster contacts that are online:
/// on block, a contact that saw the user's presence gets unavailable from each of the user's available
/// resources, and the user's resources get unavailable from the contact's (whose presence they no longer
/// receive); on unblock, both get the current presence again, as a probe would bring it. Runs after the
/// change is durable; rare, so it may allocate.
/// </summary>
internal sealed class BlockingPresence(ImContext im, Blocklists lists)
{
    private static ReadOnlySpan<byte> Unavailable => "<presence type='unavailable'/>"u8;

    private const int UnavailableNameEnd = 9;

    public void OnBlocked(LocalUser user, List<byte[]> added)
    {
        var matcher = Blocklist.Decode(Join(added));
        foreach (var (contact, item) in OnlineContacts(user))
        {
            foreach (var target in contact.Sessions)
            {
                if (!target.IsAvailable || !matcher.Blocks(target.FullJid))
                {
                    continue;
                }

                foreach (var source in user.Sessions)
                {
                    if (!source.IsAvailable)
                    {
                        continue;
                    }

                    if (RosterItems.HasFrom(item))
                    {
                        SendUnavailable(source, target);
                    }

                    if (RosterItems.HasTo(item))
                    {
                        SendUnavailable(target, source);
                    }
                }
            }
        }
    }

    public void OnUnblocked(LocalUser user, List<byte[]> removed)
    {
        var matcher = Blocklist.Decode(Join(removed));
        foreach (var (contact, item) in OnlineContacts(user))
        {
            foreach (var target in contact.Sessions)
            {
                if (!target.IsAvailable || !matcher.Blocks(target.FullJid))
                {
                    continue;
                }

                foreach (var source in user.Sessions)
                {
                    if (!source.IsAvailable || lists.Separates(user, source, contact, target))
                    {
                        continue; // still blocked by another item, or by the contact
                    }

                    if (RosterItems.HasFrom(item))
                    {
                        SessionPresence.Of(source).SendLast(target, source.FromAttribute);
                    }

                    if (RosterItems.HasTo(item))
                    {
                        SessionPresence.Of(target).SendLast(source, target.FromAttribute);
                    }
                }
            }
        }
    }

    private static void SendUnavailable(XmppSession from, XmppSession to)
        => to.Send(StanzaSlices.OfClean(Unavailable, UnavailableNameEnd).With(from.FromAttribute, to.ToAttribute));

    /// <summary>The user's roster contacts with a subscription either way that are online, copied out under the gate.</summary>
    private List<(LocalUser Contact, Storage.Abstractions.RosterItemRecord Item)> OnlineContacts(LocalUser user)
    {
        var result = new List<(LocalUser, Storage.Abstractions.RosterItemRecord)>();
        var roster = im.RosterOf(user);
        var items = new List<Storage.Abstractions.RosterItemRecord>();
        lock (user.Gate)
        {
            foreach (var item in roster.Items)
            {
                if (RosterItems.HasFrom(item) || RosterItems.HasTo(item))
                {
                    items.Add(item);
                }
            }
        }

        foreach (var item in items)
        {
            if (im.Server.Routes.TryGetUser(item.Jid, out var contact))
            {
                result.Add((contact, item));
            }
        }

        return result;
    }

    private static byte[] Join(List<byte[]> items)
    {
        var length = 0;
        foreach (var item in items)
        {
            length += item.Length + 1;
        }

        var joined = new byte[length];
        var at = 0;
        foreach (var item in items)
        {
            item.CopyTo(joined, at);
            at += item.Length;
            joined[at++] = (byte)'\n';
        }

        return joined;
    }
}
