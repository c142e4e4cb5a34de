using System.Buffers.Binary;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Disco;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.LastActivity;

/// <summary>
/// XEP-0012 last activity. To the server: seconds since it started. To a bare JID: 0 while the user has an
/// available resource, else seconds since the end of the user's last session, which is stored durably (user data
/// key "last": Unix seconds, 8 bytes big-endian) when that session ends. Only the user and contacts the user
/// shares presence with may ask (XEP-0012 §4: forbidden otherwise); a user never seen offline is item-not-found.
/// </summary>
public sealed class LastActivityModule : IXmppModule, IIqHandler, ISessionObserver
{
    private XmppServer? _server;
    private ILogger? _logger;

    public string Name => "last";

    internal static ReadOnlySpan<byte> StoreKey => "last"u8;

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _server = server;
        _logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        registry.AddIqHandler("jabber:iq:last"u8, "query"u8, IqTarget.Server | IqTarget.AnyAccount, this);
        registry.AddSessionObserver(this);
        registry.AddFeature("jabber:iq:last");
        DiscoContext.For(server).AddAccountFeature("jabber:iq:last");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Get)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        long seconds;
        if (request.Target == IqTarget.Server)
        {
            seconds = (long)(DateTimeOffset.UtcNow - request.Server.StartedAt).TotalSeconds;
        }
        else
        {
            var account = request.Account;
            if (request.Target == IqTarget.OtherAccount && !DiscoModule.IsSubscribed(request.Server.Store.Rosters, account, request.Session.BareJid))
            {
                request.ReplyError(StanzaErrorCondition.Forbidden);
                return;
            }

            if (HasAvailableResource(request.Server, account))
            {
                seconds = 0;
            }
            else if (request.Server.Store.UserData.Get(account, StoreKey) is { Length: 8 } stored)
            {
                seconds = Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - BinaryPrimitives.ReadInt64BigEndian(stored));
            }
            else
            {
                request.ReplyError(StanzaErrorCondition.ItemNotFound);
                return;
            }
        }

        var writer = ScratchWriter.RentPayload();
        writer.Write("<query xmlns='jabber:iq:last' seconds='"u8);
        var digits = writer.GetSpan(20);
        seconds.TryFormat(digits, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
        writer.Advance(length);
        writer.Write("'/>"u8);
        request.ReplyResult(writer.WrittenSpan);
    }

    public void OnBound(XmppSession session)
    {
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
        // An account cancelled in-band (XEP-0077) is gone before its sessions end: nothing to remember then.
        if (!lastSessionOfUser || !_server!.Store.Accounts.TryGet(session.BareJid, out _))
        {
            return;
        }

        var value = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        _ = StoreAsync(session.BareJid.ToArray(), value);
    }

    private async Task StoreAsync(byte[] user, byte[] value)
    {
        try
        {
            await _server!.Store.UserData.SetAsync(user, StoreKey.ToArray(), value).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger!, "last activity", ex);
        }
    }

    private static bool HasAvailableResource(XmppServer server, ReadOnlySpan<byte> account)
    {
        if (!server.Routes.TryGetUser(account, out var user))
        {
            return false;
        }

        foreach (var session in user.Sessions)
        {
            if (session.IsAvailable)
            {
                return true;
            }
        }

        return false;
    }
}
