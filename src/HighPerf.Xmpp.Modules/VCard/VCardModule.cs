using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Disco;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.VCard;

/// <summary>
/// XEP-0054 vcard-temp: a user sets their own vCard (iq set with no 'to'), anyone gets any user's (to = the bare
/// JID; the router has already answered service-unavailable for a missing account). The vCard is stored as
/// received, in user data under the key "vcard", and the set is answered once the write is durable. A user with
/// no vCard gets an empty one (XEP-0054 §3.1 allows that or item-not-found; clients handle the empty one better).
/// </summary>
public sealed class VCardModule : IXmppModule, IIqHandler
{
    private ILogger? _logger;

    public string Name => "vcard";

    internal static ReadOnlySpan<byte> StoreKey => "vcard"u8;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        registry.AddIqHandler("vcard-temp"u8, "vCard"u8, IqTarget.AnyAccount, this);
        registry.AddFeature("vcard-temp");
        DiscoContext.For(server).AddAccountFeature("vcard-temp");
    }

    public void HandleIq(ref IqRequest request)
    {
        var store = request.Server.Store.UserData;
        if (request.Type == IqType.Get)
        {
            var stored = store.Get(request.Account, StoreKey);
            request.ReplyResult(stored is null ? "<vCard xmlns='vcard-temp'/>"u8 : stored);
            return;
        }

        if (request.Target != IqTarget.OwnAccount)
        {
            request.ReplyError(StanzaErrorCondition.Forbidden); // XEP-0054 §3.2: only one's own vCard
            return;
        }

        if (!request.Payload.Prefix.IsEmpty)
        {
            // Stored bytes must declare their own namespace: a prefix bound on the iq would be lost.
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var value = request.Payload.Raw.ToArray();
        var user = request.Session.BareJid.ToArray();
        var reply = request.Defer();
        _ = StoredThen.ReplyAsync(store.SetAsync(user, StoreKey.ToArray(), value), reply, _logger!, "vcard set");
    }
}
