using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// The presence subscription state machine (RFC 6121 §3 and Appendix A) for users of this server: the
/// sender's side ("outbound") then the contact's side ("inbound"). Each roster change is durable before it
/// is pushed or the next step runs; a request that changes nothing changes nothing (no spurious pushes). In a cluster
/// the contact's side runs on the sender's node too, on the item in the shared store; the nodes where the contact is
/// online push, deliver and start or stop presence for their own sessions (SubscriptionEngine.Cluster.cs).
/// </summary>
internal sealed partial class SubscriptionEngine(ImContext im)
{
    private RoutingTable Routes => im.Server.Routes;

    public void HandleOutbound(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> to, in JidParts parts)
    {
        if (to.IsEmpty)
        {
            sender.SendError(element, StanzaErrorCondition.BadRequest);
            return;
        }

        var destination = im.Server.Router.Classify(to, parts);
        if (destination == Router.Destination.Remote && !im.Remote.IsRemote(to))
        {
            // No federation (or a module's hosted domain, which takes no subscriptions).
            sender.SendError(element, StanzaErrorCondition.RemoteServerNotFound, to);
            return;
        }

        if (destination is not (Router.Destination.LocalBare or Router.Destination.LocalFull or Router.Destination.Remote))
        {
            return;
        }

        // RFC 6121 §3.1.1: subscriptions are between bare JIDs; the server stamps the user's bare JID.
        var contact = parts.Bare(to);
        if (contact.SequenceEqual(sender.BareJid))
        {
            return;
        }

        var user = sender.BareJid.ToArray();
        var contactJid = contact.ToArray();
        var stanza = Stamp(element, user, contactJid);
        _ = RunGuardedAsync(OutboundAsync(user, contactJid, type, stanza));
    }

    /// <summary>
    /// Routes an unsubscribe/unsubscribed generated for the user (roster removal, RFC 6121 §2.5.2) to the
    /// contact's side only; the user's own item is being removed by the caller.
    /// </summary>
    public Task RouteOnBehalfAsync(byte[] user, byte[] contact, PresenceType type)
    {
        if (type == PresenceType.Unsubscribed && !im.Remote.IsRemote(contact) && Routes.TryGetUser(user, out var owner))
        {
            if (Routes.TryGetUser(contact, out var watcher))
            {
                PresenceBroadcaster.SendUnavailable(owner, watcher);
                PresenceBroadcaster.RemoveWatcher(owner, watcher);
            }

            im.Presence.SendUnavailableToNodes(owner, contact);
        }
        else if (type == PresenceType.Unsubscribed && im.Remote.IsRemote(contact) && Routes.TryGetUser(user, out var local))
        {
            im.Remote.SendUnavailable(local, contact);
        }

        return ToContactAsync(contact, user, type, Build(user, contact, type));
    }

    /// <summary>A subscription stanza from a remote contact (over s2s) for the local user <paramref name="owner"/>.</summary>
    public void HandleRemote(XmppSession sender, in XmlElement element, PresenceType type, ReadOnlySpan<byte> owner)
    {
        var from = sender.BareJid.ToArray();
        var user = owner.ToArray();
        _ = RunGuardedAsync(InboundAsync(user, from, type, Stamp(element, from, user)));
    }

    /// <summary>The contact's side of a stanza: processed here for a local contact, sent over s2s for a remote one.</summary>
    private Task ToContactAsync(byte[] contact, byte[] from, PresenceType type, byte[] stanza)
    {
        if (!im.Remote.IsRemote(contact))
        {
            return InboundAsync(contact, from, type, stanza);
        }

        im.Remote.SendStanza(from, contact, stanza);
        return Task.CompletedTask;
    }

    /// <summary>Subscription requests that arrived while the user was away, to a resource that just became available.</summary>
    public void DeliverPendingRequests(XmppSession session)
    {
        var user = session.User!;
        var roster = im.RosterOf(user);
        lock (user.Gate)
        {
            foreach (var item in roster.Items)
            {
                if (item.PendingIn && item.PendingInStanza is { } stanza)
                {
                    session.Send(stanza);
                }
            }
        }
    }

    private async Task OutboundAsync(byte[] user, byte[] contact, PresenceType type, byte[] stanza)
    {
        switch (type)
        {
            case PresenceType.Subscribe:
                await CommitAndPushAsync(user, contact, im.Rosters.ChangeAsync(user, contact, item => OutboundSubscribe(item, contact)));
                await ToContactAsync(contact, user, type, stanza);
                break;
            case PresenceType.Subscribed:
                var approved = await CommitAndPushAsync(user, contact, im.Rosters.ChangeAsync(user, contact, item => OutboundSubscribed(item, contact)));
                if (approved.Before?.PendingIn == true && approved.After?.PendingIn == false)
                {
                    await ToContactAsync(contact, user, type, stanza);
                    StartWatching(owner: user, watcher: contact);
                }

                break;
            case PresenceType.Unsubscribe:
                if ((await CommitAndPushAsync(user, contact, im.Rosters.ChangeAsync(user, contact, OutboundUnsubscribe))).Changed)
                {
                    await ToContactAsync(contact, user, type, stanza);
                }

                break;
            default:
                var declined = await CommitAndPushAsync(user, contact, im.Rosters.ChangeAsync(user, contact, OutboundUnsubscribed));
                if (declined.Changed)
                {
                    if (RosterItems.HasFrom(declined.Before))
                    {
                        StopWatching(owner: user, watcher: contact);
                    }

                    await ToContactAsync(contact, user, type, stanza);
                }

                break;
        }
    }

    /// <summary>Awaits durability, records the version and pushes the change to the owner's interested resources.</summary>
    private async Task<RosterChange> CommitAndPushAsync(byte[] owner, byte[] contact, ValueTask<RosterChange> pending)
    {
        var change = await pending;
        var version = change.Version;
        if (change.Changed)
        {
            im.SetVersion(owner, version);
            var before = change.Before is { } b && RosterItems.IsListed(b);
            var after = change.After is { } a && RosterItems.IsListed(a);
            if (before || after)
            {
                RosterPush.Send(Routes, owner, contact, after ? change.After : null, version);
            }
        }

        return change;
    }

    private async Task RunGuardedAsync(Task work)
    {
        try
        {
            await work;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(im.Logger, "presence subscription", ex);
        }
    }

    /// <summary>The client's stanza with from = the user's bare JID and to = the contact's (children kept).</summary>
    private static byte[] Stamp(in XmlElement element, ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact)
    {
        using var writer = new PooledBufferWriter(element.Raw.Length + user.Length + contact.Length + 32);
        var slices = StanzaSlices.Of(element, cutTo: true);
        writer.Write(slices.Head);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, user);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, contact);
        writer.Write(slices.S1);
        writer.Write(slices.S2);
        writer.Write(slices.S3);
        return writer.ToArray();
    }

    /// <summary>A subscription stanza the server sends on a user's behalf.</summary>
    private static byte[] Build(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, PresenceType type)
    {
        using var writer = new PooledBufferWriter(128 + from.Length + to.Length);
        writer.Write("<presence"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, from);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, to);
        writer.Write(type switch
        {
            PresenceType.Subscribe => " type='subscribe'/>"u8,
            PresenceType.Subscribed => " type='subscribed'/>"u8,
            PresenceType.Unsubscribe => " type='unsubscribe'/>"u8,
            _ => " type='unsubscribed'/>"u8,
        });
        return writer.ToArray();
    }

    private void DeliverToAvailable(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> stanza)
    {
        if (!Routes.TryGetUser(owner, out var user))
        {
            return;
        }

        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                session.Send(stanza);
            }
        }
    }

    /// <summary><paramref name="watcher"/> now receives <paramref name="owner"/>'s presence: tell it now.</summary>
    private void StartWatching(byte[] owner, byte[] watcher)
    {
        if (im.Remote.IsRemote(watcher))
        {
            if (Routes.TryGetUser(owner, out var local))
            {
                im.Remote.SendCurrentPresence(local, watcher);
            }

            return;
        }

        if (!Routes.TryGetUser(owner, out var ownerUser))
        {
            return; // the owner's sessions on other nodes are told by their nodes (SubscriptionEngine.Cluster.cs)
        }

        if (Routes.TryGetUser(watcher, out var watcherUser))
        {
            PresenceBroadcaster.AddWatcher(ownerUser, watcherUser);
            PresenceBroadcaster.SendCurrentPresence(ownerUser, watcherUser);
        }

        im.Presence.SendCurrentPresenceToNodes(ownerUser, watcher);
    }

    /// <summary><paramref name="watcher"/> no longer receives <paramref name="owner"/>'s presence: it goes unavailable for it.</summary>
    private void StopWatching(byte[] owner, byte[] watcher)
    {
        if (im.Remote.IsRemote(watcher))
        {
            if (Routes.TryGetUser(owner, out var local))
            {
                im.Remote.SendUnavailable(local, watcher);
            }

            return;
        }

        if (!Routes.TryGetUser(owner, out var ownerUser))
        {
            return;
        }

        if (Routes.TryGetUser(watcher, out var watcherUser))
        {
            PresenceBroadcaster.SendUnavailable(ownerUser, watcherUser);
            PresenceBroadcaster.RemoveWatcher(ownerUser, watcherUser);
        }

        im.Presence.SendUnavailableToNodes(ownerUser, watcher);
    }
}
