using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// The RFC 3921 §3 session iq, which older clients send after binding (to the domain or with no 'to'). RFC 6120
/// made it a no-op and we advertise it as optional, so a set is simply answered with a result.
/// </summary>
internal sealed class LegacySessionHandler : IIqHandler
{
    public static readonly LegacySessionHandler Instance = new();

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type == IqType.Set)
        {
            request.ReplyResult();
        }
        else
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
        }
    }

    public static void Register(ModuleRegistry registry)
        => registry.AddIqHandler(XmppNames.NsSession, XmppNames.Session, IqTarget.Server | IqTarget.OwnAccount, Instance);
}
