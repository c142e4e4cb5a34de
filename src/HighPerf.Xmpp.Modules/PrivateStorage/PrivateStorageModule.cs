using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Modules.VCard;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.PrivateStorage;

/// <summary>
/// XEP-0049 private XML storage: a user keeps XML documents on the server, one per namespace (user data key
/// "private:" + namespace). Only one's own (forbidden otherwise); jabber:* namespaces are reserved
/// (not-acceptable); a get names exactly one namespace and returns the stored document or, when there is none,
/// the empty element it asked with. A set may store several documents and is answered once all are durable.
/// </summary>
public sealed class PrivateStorageModule : IXmppModule, IIqHandler
{
    private const int MaxDocumentsPerSet = 16;

    private ILogger? _logger;

    public string Name => "private";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        registry.AddIqHandler("jabber:iq:private"u8, "query"u8, IqTarget.AnyAccount, this);
        registry.AddFeature("jabber:iq:private");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Target != IqTarget.OwnAccount)
        {
            request.ReplyError(StanzaErrorCondition.Forbidden);
            return;
        }

        var count = 0;
        foreach (var child in request.Payload.GetChildren())
        {
            if (!child.Prefix.IsEmpty)
            {
                request.ReplyError(StanzaErrorCondition.BadRequest); // stored bytes must declare their namespace
                return;
            }

            if (child.Namespace.IsEmpty || child.Namespace.StartsWith("jabber:"u8))
            {
                request.ReplyError(StanzaErrorCondition.NotAcceptable);
                return;
            }

            count++;
        }

        if (count == 0 || (request.Type == IqType.Get && count != 1) || count > MaxDocumentsPerSet)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        if (request.Type == IqType.Get)
        {
            Get(ref request);
        }
        else
        {
            Set(ref request, count);
        }
    }

    private static void Get(ref IqRequest request)
    {
        request.Payload.TryGetFirstChild(out var child);
        var stored = request.Server.Store.UserData.Get(request.Session.BareJid, Key(child));
        var writer = ScratchWriter.RentPayload();
        writer.Write("<query xmlns='jabber:iq:private'>"u8);
        writer.Write(stored is null ? child.Raw : stored);
        writer.Write("</query>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    private void Set(ref IqRequest request, int count)
    {
        var store = request.Server.Store.UserData;
        var user = request.Session.BareJid.ToArray();
        var writes = new Task[count];
        var i = 0;
        foreach (var child in request.Payload.GetChildren())
        {
            writes[i++] = store.SetAsync(user, Key(child), child.Raw.ToArray()).AsTask();
        }

        var reply = request.Defer();
        _ = StoredThen.ReplyAsync(Task.WhenAll(writes), reply, _logger!, "private set");
    }

    private static byte[] Key(XmlElementReader child)
    {
        var key = new byte[8 + child.Namespace.Length];
        "private:"u8.CopyTo(key);
        child.Namespace.CopyTo(key.AsSpan(8));
        return key;
    }
}
