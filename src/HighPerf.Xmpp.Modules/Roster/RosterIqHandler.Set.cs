using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>Roster add/update/remove (RFC 6121 §2.3–§2.5): applied, made durable, then pushed and answered.</summary>
internal sealed partial class RosterIqHandler
{
    private void Update(ref IqRequest request, byte[] contact, byte[]? name, IReadOnlyList<byte[]> groups)
    {
        var owner = request.Session.BareJid.ToArray();
        var change = im.Rosters.ChangeAsync(owner, contact, current =>
        {
            var item = current ?? new RosterItemRecord { Jid = contact };
            item.Hidden = false;
            item.Name = name;
            item.Groups = groups;
            return item;
        });
        var reply = request.Defer();
        _ = CompleteAsync(change, owner, contact, reply);
    }

    private void Remove(ref IqRequest request, byte[] contact)
    {
        var owner = request.Session.BareJid.ToArray();
        var existing = im.Rosters.Get(owner, contact);
        if (existing is null || !RosterItems.IsListed(existing))
        {
            request.ReplyError(StanzaErrorCondition.ItemNotFound); // RFC 6121 §2.5.3
            return;
        }

        var reply = request.Defer();
        _ = RemoveAsync(owner, contact, existing, reply);
    }

    private async Task RemoveAsync(byte[] owner, byte[] contact, RosterItemRecord existing, DeferredIqReply reply)
    {
        await CompleteAsync(im.Rosters.ChangeAsync(owner, contact, static _ => null), owner, contact, reply);

        // RFC 6121 §2.5.2: removing an item cancels the subscriptions both ways, on the user's behalf.
        try
        {
            if (RosterItems.HasFrom(existing) || existing.PendingIn)
            {
                await im.Subscriptions.RouteOnBehalfAsync(owner, contact, Core.Stanzas.PresenceType.Unsubscribed);
            }

            if (RosterItems.HasTo(existing) || existing.PendingOut)
            {
                await im.Subscriptions.RouteOnBehalfAsync(owner, contact, Core.Stanzas.PresenceType.Unsubscribe);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(im.Logger, "roster remove", ex);
        }
    }

    private async Task CompleteAsync(ValueTask<RosterChange> pending, byte[] owner, byte[] contact, DeferredIqReply reply)
    {
        try
        {
            var change = await pending;
            var version = change.Version;

            // RFC 6121 §2.3.2: the result to the requester, then the push to every interested resource.
            reply.ReplyResult();
            if (change.Changed)
            {
                im.SetVersion(owner, version);
                RosterPush.Send(im.Server.Routes, owner, contact, change.After, version);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(im.Logger, "roster set", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
        }
    }

    private static StanzaErrorCondition? ReadNameAndGroups(XmlElementReader item, out byte[]? name, out IReadOnlyList<byte[]> groups)
    {
        name = null;
        groups = [];
        if (item.TryGetAttribute("name"u8, out var rawName) && rawName.Length > 0)
        {
            if (rawName.Length > MaxNameBytes * 6 || !XmlText.TryDecode(rawName, MaxNameBytes, out name))
            {
                return StanzaErrorCondition.NotAcceptable;
            }
        }

        List<byte[]>? list = null;
        Span<byte> text = stackalloc byte[MaxGroupBytes];
        foreach (var child in item.GetChildren())
        {
            if (!child.LocalName.SequenceEqual("group"u8))
            {
                continue;
            }

            if (child.GetTextLength() > MaxGroupBytes * 6 || !child.TryGetText(text, out var length) || length > MaxGroupBytes)
            {
                return StanzaErrorCondition.NotAcceptable;
            }

            if (length == 0)
            {
                return StanzaErrorCondition.NotAcceptable; // RFC 6121 §2.3.3: empty group name
            }

            list ??= [];
            var group = text[..length];
            foreach (var existing in list)
            {
                if (existing.AsSpan().SequenceEqual(group))
                {
                    return StanzaErrorCondition.BadRequest; // RFC 6121 §2.3.3: duplicate group
                }
            }

            if (list.Count == MaxGroups)
            {
                return StanzaErrorCondition.NotAcceptable;
            }

            list.Add(group.ToArray());
        }

        groups = list is null ? [] : list;
        return null;
    }
}
