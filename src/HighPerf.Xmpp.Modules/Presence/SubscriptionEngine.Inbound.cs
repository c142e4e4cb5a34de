using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>The contact's side of each subscription stanza (RFC 6121 §3.1.3, §3.1.6, §3.2.3, §3.3.3; Appendix A.3).</summary>
internal sealed partial class SubscriptionEngine
{
    /// <summary>Processes <paramref name="stanza"/> (from <paramref name="from"/>) for its recipient <paramref name="owner"/>.</summary>
    private async Task InboundAsync(byte[] owner, byte[] from, PresenceType type, byte[] stanza)
    {
        if (!Routes.TryGetUser(owner, out _) && !im.Server.Router.AccountExists(owner))
        {
            // RFC 6121 §8.5.1: no such user; a subscribe is declined on its behalf, the rest is dropped.
            if (type == PresenceType.Subscribe)
            {
                await ToContactAsync(from, owner, PresenceType.Unsubscribed, Build(owner, from, PresenceType.Unsubscribed));
            }

            return;
        }

        switch (type)
        {
            case PresenceType.Subscribe:
                await InboundSubscribeAsync(owner, from, stanza);
                break;
            case PresenceType.Subscribed:
                if ((await CommitAndPushAsync(owner, from, im.Rosters.ChangeAsync(owner, from, InboundSubscribed, stanza))).Changed)
                {
                    DeliverToAvailable(owner, stanza);
                }

                break;
            case PresenceType.Unsubscribe:
                var cancelled = await CommitAndPushAsync(owner, from, im.Rosters.ChangeAsync(owner, from, InboundUnsubscribe, stanza));
                if (cancelled.Changed)
                {
                    DeliverToAvailable(owner, stanza);
                    if (RosterItems.HasFrom(cancelled.Before))
                    {
                        StopWatching(owner: owner, watcher: from);
                    }
                }

                break;
            default:
                if ((await CommitAndPushAsync(owner, from, im.Rosters.ChangeAsync(owner, from, InboundUnsubscribed, stanza))).Changed)
                {
                    DeliverToAvailable(owner, stanza);
                }

                break;
        }
    }

    private async Task InboundSubscribeAsync(byte[] owner, byte[] from, byte[] stanza)
    {
        var current = im.Rosters.Get(owner, from);
        if (RosterItems.HasFrom(current))
        {
            // RFC 6121 §3.1.3: already subscribed: the server answers for the contact, who is not bothered.
            await ToContactAsync(from, owner, PresenceType.Subscribed, Build(owner, from, PresenceType.Subscribed));
            return;
        }

        if (current is { PreApproved: true })
        {
            // RFC 6121 §3.4: pre-approved: granted at once.
            await CommitAndPushAsync(owner, from, im.Rosters.ChangeAsync(owner, from, item => ApprovePending(item, from, consumePreApproval: true)));
            await ToContactAsync(from, owner, PresenceType.Subscribed, Build(owner, from, PresenceType.Subscribed));
            StartWatching(owner: owner, watcher: from);
            return;
        }

        var change = await CommitAndPushAsync(owner, from, im.Rosters.ChangeAsync(owner, from, item =>
        {
            if (item is { PendingIn: true })
            {
                return item; // already waiting for an answer: not stored or shown twice
            }

            item ??= RosterItems.NewHidden(from);
            item.PendingIn = true;
            item.PendingInStanza = stanza;
            return item;
        }, stanza));
        if (change.Changed)
        {
            DeliverToAvailable(owner, stanza);
        }
    }
}
