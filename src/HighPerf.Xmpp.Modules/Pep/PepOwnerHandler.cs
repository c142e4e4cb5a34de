using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.DataForms;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Xml.Reader;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// The pubsub#owner namespace on one's own account: node configuration (XEP-0060 §8.2: get the form, submit it,
/// cancel it) and node deletion (§8.4, notified to the subscribers). Another account's nodes are forbidden.
/// </summary>
internal sealed class PepOwnerHandler(PepOptions options, PepNotifier notifier, ILogger logger) : IIqHandler
{
    public void HandleIq(ref IqRequest request)
    {
        if (request.Target != IqTarget.OwnAccount)
        {
            request.ReplyError(StanzaErrorCondition.Forbidden);
            return;
        }

        if (request.Payload.TryGetChild("configure"u8, PepNames.OwnerNs, out var configure))
        {
            Configure(ref request, configure);
        }
        else if (request.Payload.TryGetChild("delete"u8, PepNames.OwnerNs, out var delete) && request.Type == IqType.Set)
        {
            Delete(ref request, delete);
        }
        else if (request.Payload.TryGetChild("default"u8, PepNames.OwnerNs, out _) && request.Type == IqType.Get)
        {
            using var writer = new PooledBufferWriter(2048);
            writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><default>"u8);
            PepNodeConfig.Default.WriteForm(writer);
            writer.Write("</default></pubsub>"u8);
            request.ReplyResult(writer.WrittenSpan);
        }
        else if (request.Payload.TryGetChild("affiliations"u8, PepNames.OwnerNs, out var affiliations))
        {
            PepAffiliations.Manage(ref request, affiliations, logger);
        }
        else if (request.Payload.TryGetChild("subscriptions"u8, PepNames.OwnerNs, out _))
        {
            // §8.8: subscriptions follow presence (XEP-0163 §4.4); there are none to manage.
            request.Defer().ReplyError(PepNames.Unsupported("manage-subscriptions"u8));
        }
        else
        {
            request.ReplyError(StanzaErrorCondition.FeatureNotImplemented);
        }
    }

    private void Configure(ref IqRequest request, XmlElementReader configure)
    {
        var owner = request.Session.BareJid.ToArray();
        if (!PepNodeLookup.TryFind(ref request, configure, owner, out var node, out var record))
        {
            return;
        }

        var pep = request.Server.Store.Pep;

        var config = PepNodeConfig.Decode(record.Configuration);
        if (request.Type == IqType.Get)
        {
            using var writer = new PooledBufferWriter(2048);
            writer.Write("<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure"u8);
            EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
            writer.Write(">"u8);
            config.WriteForm(writer);
            writer.Write("</configure></pubsub>"u8);
            request.ReplyResult(writer.WrittenSpan);
            return;
        }

        if (!DataForm.TryFind(configure, out var form))
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        if (form.Type.SequenceEqual("cancel"u8))
        {
            request.ReplyResult(); // §8.2.4: the configuration stays as it was
            return;
        }

        if (!form.Type.SequenceEqual("submit"u8) || !config.TryApply(form, options.MaxItemsPerNode, out var changed, out _))
        {
            request.Defer().ReplyError(PepNames.InvalidOptions);
            return;
        }

        var configuration = PepWhitelist.Encode(changed, PepWhitelist.Read(record.Configuration));
        _ = VCard.StoredThen.ReplyAsync(pep.SetNodeAsync(owner, node, configuration, changed.StoredItems).AsTask(), request.Defer(), logger, "pep configure");
    }

    private void Delete(ref IqRequest request, XmlElementReader delete)
    {
        var owner = request.Session.BareJid.ToArray();
        if (!PepNodeLookup.TryFind(ref request, delete, owner, out var node, out var record))
        {
            return;
        }

        var pep = request.Server.Store.Pep;

        _ = DeleteAsync(request.Defer(), pep, owner, node, record.Configuration, PepNodeConfig.Decode(record.Configuration).NotifyDelete);
    }

    private async Task DeleteAsync(DeferredIqReply reply, IPepStore pep, byte[] owner, byte[] node, byte[] configuration, bool notify)
    {
        bool deleted;
        try
        {
            deleted = await pep.DeleteNodeAsync(owner, node).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(logger, "pep delete", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        if (!deleted)
        {
            reply.ReplyError(StanzaErrorCondition.ItemNotFound);
            return;
        }

        reply.ReplyResult();
        if (!notify)
        {
            return; // pubsub#notify_delete false
        }

        using var writer = new PooledBufferWriter(256);
        writer.Write("<delete"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "node"u8, node);
        writer.Write("/>"u8);
        notifier.Broadcast(owner, System.Text.Encoding.UTF8.GetString(node), configuration, writer.WrittenSpan);
    }
}
