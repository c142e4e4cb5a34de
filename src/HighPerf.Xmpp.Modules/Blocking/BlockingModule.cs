using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Xml.Reader;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>
/// XEP-0191 blocking command: the blocklist get (which makes the resource an "interested" one that gets
/// pushes), block and unblock (one, several or all), stored in the user's data (key "blocklist") and answered
/// once durable, then pushed to the interested resources. Enforcement is in <see cref="BlockingInterceptor"/>
/// (stanzas with a 'to') and in the presence broadcaster (broadcast presence), presence side effects of a
/// change in <see cref="BlockingPresence"/>.
/// </summary>
public sealed class BlockingModule : IXmppModule, IIqHandler
{
    /// <summary>The stored list is one document; this keeps it well under the store's value limit.</summary>
    private const int MaxStoredBytes = 256 * 1024;

    private Blocklists? _lists;
    private ILogger? _logger;
    private long _pushId;

    public string Name => "blocking";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _lists = new Blocklists(server);
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        ImContext.For(server).Blocking = _lists;
        registry.AddIqHandler(BlockingNames.Namespace, "blocklist"u8, IqTarget.OwnAccount, this);
        registry.AddIqHandler(BlockingNames.Namespace, "block"u8, IqTarget.OwnAccount, this);
        registry.AddIqHandler(BlockingNames.Namespace, "unblock"u8, IqTarget.OwnAccount, this);
        registry.AddFeature("urn:xmpp:blocking");
        registry.AddInterceptor(new BlockingInterceptor(_lists));
    }

    public void HandleIq(ref IqRequest request)
    {
        var name = request.Payload.LocalName;
        if (name.SequenceEqual("blocklist"u8))
        {
            if (request.Type != IqType.Get)
            {
                request.ReplyError(StanzaErrorCondition.BadRequest);
                return;
            }

            SendList(ref request);
            return;
        }

        if (request.Type != IqType.Set)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var block = name.SequenceEqual("block"u8);
        if (!TryReadItems(request.Payload, out var items))
        {
            request.ReplyError(StanzaErrorCondition.JidMalformed);
            return;
        }

        if (block && items.Count == 0)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest); // XEP-0191 §3.3: a block names at least one JID
            return;
        }

        Change(ref request, block, items);
    }

    private void SendList(ref IqRequest request)
    {
        var user = request.Session.User!;
        var list = _lists!.Of(user);
        request.Session.WantsBlocklistPushes = true;
        using var writer = new Core.Buffers.PooledBufferWriter(256);
        writer.Write("<blocklist xmlns='urn:xmpp:blocking'>"u8);
        foreach (var item in list.Items)
        {
            BlockingNames.WriteItem(writer, item);
        }

        writer.Write("</blocklist>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    private void Change(ref IqRequest request, bool block, List<byte[]> items)
    {
        var lists = _lists!;
        var user = request.Session.User!;
        var list = lists.Of(user);
        List<byte[]> changed;
        Task write;
        lock (list.Gate)
        {
            changed = block ? list.AddLocked(items) ?? [] : list.RemoveLocked(items.Count == 0 ? null : items);
            var encoded = list.Encode();
            if (encoded.Length > MaxStoredBytes)
            {
                list.RemoveLocked(changed); // undo: the list would not fit in one stored document
                request.ReplyError(StanzaErrorCondition.ResourceConstraint);
                return;
            }

            // The store applies the write before SetAsync returns, so the order of writes is the order of changes.
            write = lists.Server.Store.UserData.SetAsync(user.BareJid, Blocklists.StoreKey.ToArray(), encoded).AsTask();
        }

        var reply = request.Defer();
        _ = CompleteAsync(write, reply, user, block, items, changed);
    }

    private async Task CompleteAsync(Task write, DeferredIqReply reply, Core.Routing.LocalUser user, bool block, List<byte[]> requested, List<byte[]> changed)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, block ? "block" : "unblock", ex);
            reply.ReplyError(StanzaErrorCondition.InternalServerError);
            return;
        }

        reply.ReplyResult();
        Push(user, block, requested);
        if (changed.Count > 0)
        {
            var presence = new BlockingPresence(ImContext.For(_lists!.Server), _lists);
            if (block)
            {
                presence.OnBlocked(user, changed);
            }
            else
            {
                presence.OnUnblocked(user, changed);
            }
        }
    }

    /// <summary>XEP-0191 §3.3/§3.4: the change goes to every resource that retrieved the list.</summary>
    private void Push(Core.Routing.LocalUser user, bool block, List<byte[]> items)
    {
        using var payload = new Core.Buffers.PooledBufferWriter(256);
        payload.Write(block ? "<block xmlns='urn:xmpp:blocking'"u8 : "<unblock xmlns='urn:xmpp:blocking'"u8);
        if (items.Count == 0)
        {
            payload.Write("/>"u8);
        }
        else
        {
            payload.Write(">"u8);
            foreach (var item in items)
            {
                BlockingNames.WriteItem(payload, item);
            }

            payload.Write(block ? "</block>"u8 : "</unblock>"u8);
        }

        using var writer = new Core.Buffers.PooledBufferWriter(512);
        Span<byte> digits = stackalloc byte[20];
        foreach (var session in user.Sessions)
        {
            if (!session.WantsBlocklistPushes)
            {
                continue;
            }

            writer.Reset();
            writer.Write("<iq type='set' id='block-push-"u8);
            Interlocked.Increment(ref _pushId).TryFormat(digits, out var length);
            writer.Write(digits[..length]);
            writer.Write("'"u8);
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, session.FullJid);
            writer.Write(">"u8);
            writer.Write(payload.WrittenSpan);
            writer.Write("</iq>"u8);
            session.Send(writer.WrittenSpan);
        }
    }

    /// <summary>The &lt;item jid='…'/&gt; children, normalized (RFC 7622); false when one is missing or malformed.</summary>
    private static bool TryReadItems(XmlElementReader payload, out List<byte[]> items)
    {
        items = [];
        Span<byte> normalized = stackalloc byte[Core.Addressing.JidNormalizer.MaxJidBytes];
        foreach (var child in payload.GetChildren())
        {
            if (!child.Is("item"u8, BlockingNames.Namespace))
            {
                continue;
            }

            if (!child.TryGetAttribute("jid"u8, out var raw) || !JidText.TryNormalize(raw, normalized, out var length, out _))
            {
                return false;
            }

            items.Add(normalized[..length].ToArray());
        }

        return true;
    }
}
