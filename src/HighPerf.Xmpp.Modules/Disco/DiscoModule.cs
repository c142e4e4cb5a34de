using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Disco;

/// <summary>
/// XEP-0030 service discovery. The server's disco#info lists the identity server/im, the identities and features
/// every enabled module registered (so it changes with the configuration and nothing else), and the XEP-0157
/// contact addresses as an XEP-0128 form; a bare JID answers as an account (account/registered) to its owner and
/// to contacts with a presence subscription, and like a missing account (service-unavailable) to anyone else. No
/// nodes are published: a query with a node is item-not-found.
/// </summary>
public sealed class DiscoModule(DiscoOptions options) : IXmppModule, IIqHandler
{
    public const string InfoNamespace = "http://jabber.org/protocol/disco#info";
    public const string ItemsNamespace = "http://jabber.org/protocol/disco#items";

    private DiscoReplies? _replies;

    public DiscoModule()
        : this(new DiscoOptions())
    {
    }

    public string Name => "disco";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _replies = new DiscoReplies(options, registry, DiscoContext.For(server));
        registry.AddIdentity(new DiscoIdentity("server", "im", options.ServerName));
        registry.AddFeature(InfoNamespace);
        registry.AddFeature(ItemsNamespace);
        registry.AddIqHandler("http://jabber.org/protocol/disco#info"u8, "query"u8, IqTarget.All, this);
        registry.AddIqHandler("http://jabber.org/protocol/disco#items"u8, "query"u8, IqTarget.All, this);
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Get)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        if (request.Payload.TryGetAttribute("node"u8, out _))
        {
            request.ReplyError(StanzaErrorCondition.ItemNotFound);
            return;
        }

        var items = request.Payload.Namespace.SequenceEqual("http://jabber.org/protocol/disco#items"u8);
        var replies = _replies!;
        if (request.Target == IqTarget.Server)
        {
            request.ReplyResult(items ? replies.ServerItems : replies.ServerInfo);
            return;
        }

        if (request.Target == IqTarget.OtherAccount && !IsSubscribed(request.Server.Store.Rosters, request.Account, request.Session.BareJid))
        {
            // XEP-0030 §8: an account's existence is not revealed to strangers.
            request.ReplyError(StanzaErrorCondition.ServiceUnavailable);
            return;
        }

        request.ReplyResult(items ? DiscoReplies.AccountItems : replies.AccountInfo);
    }

    /// <summary>The account owner shares presence with <paramref name="requester"/> (subscription from or both).</summary>
    internal static bool IsSubscribed(IRosterStore rosters, ReadOnlySpan<byte> account, ReadOnlySpan<byte> requester)
        => rosters.Get(account, requester) is { Subscription: SubscriptionState.From or SubscriptionState.Both };
}
