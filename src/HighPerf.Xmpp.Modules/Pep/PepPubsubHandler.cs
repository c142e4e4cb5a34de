using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Modules.VCard;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// The pubsub namespace on an account (XEP-0060 §6.5 items, §7.1 publish with §7.1.5 publish-options, §7.2
/// retract, §8.1 create): the owner publishes, retracts and creates on its own bare JID; anyone the node's access
/// model admits retrieves items. Writes are answered once durable, then notified.
/// </summary>
internal sealed class PepPubsubHandler(PepOptions options, PepNotifier notifier, ILogger logger) : IIqHandler
{
    private long _nextItemId;

    public void HandleIq(ref IqRequest request)
    {
        XmlElementReader action = default;
        var found = false;
        foreach (var child in request.Payload.GetChildren())
        {
            if (child.Namespace.SequenceEqual(PepNames.Ns) && !child.Is("publish-options"u8, PepNames.Ns) && !child.Is("configure"u8, PepNames.Ns))
            {
                action = child;
                found = true;
                break;
            }
        }

        if (!found)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var name = action.LocalName;
        if (request.Type == IqType.Get && name.SequenceEqual("items"u8))
        {
            Items(ref request, action);
        }
        else if (request.Type == IqType.Get && name.SequenceEqual("subscriptions"u8))
        {
            PepAffiliations.Subscriptions(ref request, action);
        }
        else if (request.Type == IqType.Get && name.SequenceEqual("affiliations"u8))
        {
            PepAffiliations.Affiliations(ref request, action);
        }
        else if (name.SequenceEqual("subscribe"u8) || name.SequenceEqual("unsubscribe"u8))
        {
            // XEP-0163 §4.4: PEP subscriptions follow the presence subscription; explicit ones are not offered (§6.1.3.7).
            request.Defer().ReplyError(PepNames.Unsupported("subscribe"u8));
        }
        else if (name.SequenceEqual("options"u8))
        {
            request.Defer().ReplyError(PepNames.Unsupported("subscription-options"u8));
        }
        else if (request.Type == IqType.Get)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
        }
        else if (request.Target != IqTarget.OwnAccount)
        {
            request.ReplyError(StanzaErrorCondition.Forbidden); // XEP-0060 §7.1.3.1: only the owner publishes
        }
        else if (name.SequenceEqual("publish"u8))
        {
            Publish(ref request, action);
        }
        else if (name.SequenceEqual("retract"u8))
        {
            Retract(ref request, action);
        }
        else if (name.SequenceEqual("create"u8))
        {
            Create(ref request, action);
        }
        else
        {
            request.ReplyError(StanzaErrorCondition.FeatureNotImplemented);
        }
    }

    private static void Items(ref IqRequest request, XmlElementReader items)
    {
        var owner = request.Account;
        if (!PepNodeLookup.TryFind(ref request, items, owner, out var node, out var record))
        {
            return;
        }

        var store = request.Server.Store;

        if (PepAccessCheck.Refusal(store.Rosters, owner, request.Session.BareJid, record) is { } refusal)
        {
            request.Defer().ReplyError(refusal);
            return;
        }

        var ids = new List<byte[]>();
        foreach (var child in items.GetChildren())
        {
            if (child.Is("item"u8, PepNames.Ns) && CapsText.AttributeBytes(child, "id"u8, PepNames.MaxNameBytes) is { } id)
            {
                ids.Add(id);
            }
        }

        if (ids.Count == 0)
        {
            var first = 0;
            if (items.TryGetAttribute("max_items"u8, out var max))
            {
                if (!System.Buffers.Text.Utf8Parser.TryParse(max, out int count, out var consumed) || consumed != max.Length || count < 0)
                {
                    request.ReplyError(StanzaErrorCondition.BadRequest);
                    return;
                }

                first = Math.Max(record.ItemIds.Count - count, 0);
            }

            for (var i = first; i < record.ItemIds.Count; i++)
            {
                ids.Add(record.ItemIds[i]);
            }
        }

        using var writer = new PooledBufferWriter(1024);
        writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub'><items"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        writer.Write(">"u8);
        foreach (var id in ids)
        {
            if (store.Pep.GetItem(owner, node, id) is { } payload)
            {
                writer.Write("<item"u8);
                EscapingWriter.WriteEscapedAttribute(writer, "id"u8, id);
                writer.Write(">"u8);
                writer.Write(payload);
                writer.Write("</item>"u8);
            }
        }

        writer.Write("</items></pubsub>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    private void Publish(ref IqRequest request, XmlElementReader publish)
    {
        if (CapsText.AttributeBytes(publish, "node"u8, PepNames.MaxNameBytes) is not { } node)
        {
            request.Defer().ReplyError(PepNames.NodeIdRequired);
            return;
        }

        XmlElementReader item = default;
        var itemCount = 0;
        foreach (var child in publish.GetChildren())
        {
            if (child.Is("item"u8, PepNames.Ns))
            {
                item = child;
                itemCount++;
            }
        }

        if (itemCount != 1)
        {
            request.Defer().ReplyError(itemCount == 0 ? PepNames.ItemRequired : PepNames.InvalidPayload);
            return;
        }

        XmlElementReader payload = default;
        var payloadCount = 0;
        foreach (var child in item.GetChildren())
        {
            payload = child;
            payloadCount++;
        }

        // The payload is stored as its raw bytes: it must carry its own namespace (unprefixed, declared on itself).
        if (payloadCount != 1 || !payload.Prefix.IsEmpty || payload.Namespace.IsEmpty || payload.Namespace.SequenceEqual(PepNames.Ns))
        {
            request.Defer().ReplyError(PepNames.InvalidPayload);
            return;
        }

        if (payload.Raw.Length > options.MaxItemBytes)
        {
            request.Defer().ReplyError(PepNames.PayloadTooBig);
            return;
        }

        var id = item.TryGetAttribute("id"u8, out _) ? CapsText.AttributeBytes(item, "id"u8, PepNames.MaxNameBytes) : NewItemId();
        if (id is null)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var owner = request.Session.BareJid.ToArray();
        var pep = request.Server.Store.Pep;
        var existing = pep.GetNode(owner, node);
        var config = existing is null ? PepNodeConfig.Default : PepNodeConfig.Decode(existing.Configuration);
        if (request.Payload.TryGetChild("publish-options"u8, PepNames.Ns, out var publishOptions)
            && DataForm.TryFind(publishOptions, out var form) && form.HasFormType(PepNames.PublishOptionsFormType))
        {
            if (!config.TryApply(form, options.MaxItemsPerNode, out var wanted, out var given) || (existing is not null && !config.Satisfies(wanted, given)))
            {
                request.Defer().ReplyError(PepNames.PreconditionNotMet);
                return;
            }

            config = wanted;
        }

        if (existing is null && pep.GetNodes(owner).Count >= options.MaxNodesPerAccount)
        {
            request.Defer().ReplyError(PepNames.MaxNodesExceeded);
            return;
        }

        _ = PublishAsync(request.Defer(), pep, owner, node, id, payload.Raw.ToArray(), config);
    }

    private async Task PublishAsync(DeferredIqReply reply, IPepStore pep, byte[] owner, byte[] node, byte[] id, byte[] payload, PepNodeConfig config)
    {
        try
        {
            await pep.PublishAsync(owner, node, config.Encode(), id, payload, config.StoredItems).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, "pep publish", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        // A publish to an existing node keeps that node's configuration (the store's), so read it for the notification.
        var stored = pep.GetNode(owner, node);
        var configuration = stored?.Configuration ?? config.Encode();
        using var writer = new PooledBufferWriter(256 + payload.Length);
        writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        writer.Write("><item"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "id"u8, id);
        writer.Write("/></publish></pubsub>"u8);
        reply.ReplyResult(writer.WrittenSpan);
        writer.Reset();
        PepNotifier.WriteItem(writer, node, id, payload);
        notifier.Broadcast(owner, System.Text.Encoding.UTF8.GetString(node), configuration, writer.WrittenSpan);
    }

    private void Retract(ref IqRequest request, XmlElementReader retract)
    {
        var owner = request.Session.BareJid.ToArray();
        if (!PepNodeLookup.TryFind(ref request, retract, owner, out var node, out var record))
        {
            return;
        }

        if (!retract.TryGetChild("item"u8, PepNames.Ns, out var item) || CapsText.AttributeBytes(item, "id"u8, PepNames.MaxNameBytes) is not { } id)
        {
            request.Defer().ReplyError(PepNames.ItemRequired);
            return;
        }

        var pep = request.Server.Store.Pep;

        // XEP-0060 §7.2.2.1: notified when the node says so (pubsub#notify_retract) or the publisher asks (notify='true').
        var config = PepNodeConfig.Decode(record.Configuration);
        var asked = retract.TryGetAttribute("notify"u8, out var notify) && (notify.SequenceEqual("true"u8) || notify.SequenceEqual("1"u8));
        _ = RetractAsync(request.Defer(), pep, owner, node, id, record.Configuration, config.NotifyRetract || asked);
    }

    private async Task RetractAsync(DeferredIqReply reply, IPepStore pep, byte[] owner, byte[] node, byte[] id, byte[] configuration, bool notify)
    {
        bool removed;
        try
        {
            removed = await pep.RetractAsync(owner, node, id).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, "pep retract", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        if (!removed)
        {
            reply.ReplyError(StanzaErrorCondition.ItemNotFound);
            return;
        }

        reply.ReplyResult();
        if (!notify)
        {
            return;
        }

        using var writer = new PooledBufferWriter(256);
        writer.Write("<items"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        writer.Write("><retract"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "id"u8, id);
        writer.Write("/></items>"u8);
        notifier.Broadcast(owner, System.Text.Encoding.UTF8.GetString(node), configuration, writer.WrittenSpan);
    }

    private void Create(ref IqRequest request, XmlElementReader create)
    {
        if (CapsText.AttributeBytes(create, "node"u8, PepNames.MaxNameBytes) is not { } node)
        {
            request.Defer().ReplyError(PepNames.NodeIdRequired); // no instant nodes on an account
            return;
        }

        var owner = request.Session.BareJid.ToArray();
        var pep = request.Server.Store.Pep;
        if (pep.GetNode(owner, node) is not null)
        {
            request.ReplyError(StanzaErrorCondition.Conflict);
            return;
        }

        if (pep.GetNodes(owner).Count >= options.MaxNodesPerAccount)
        {
            request.Defer().ReplyError(PepNames.MaxNodesExceeded);
            return;
        }

        var config = PepNodeConfig.Default;
        if (request.Payload.TryGetChild("configure"u8, PepNames.Ns, out var configure) && DataForm.TryFind(configure, out var form)
            && !config.TryApply(form, options.MaxItemsPerNode, out config, out _))
        {
            request.Defer().ReplyError(PepNames.InvalidOptions);
            return;
        }

        var reply = request.Defer();
        _ = StoredThen.ReplyAsync(pep.SetNodeAsync(owner, node, config.Encode(), config.StoredItems).AsTask(), reply, logger, "pep create");
    }

    private byte[] NewItemId()
    {
        // Unique per server run and ordered: the current time in microseconds, then a counter.
        var text = DateTime.UtcNow.Ticks.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "-"
            + Interlocked.Increment(ref _nextItemId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return System.Text.Encoding.ASCII.GetBytes(text);
    }
}
