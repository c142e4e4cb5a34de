using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Ping;

/// <summary>XEP-0199: the server answers a ping addressed to it (or sent with no 'to') with an empty result.</summary>
public sealed class PingModule : IXmppModule, IIqHandler
{
    public string Name => "ping";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddIqHandler("urn:xmpp:ping"u8, "ping"u8, IqTarget.Server | IqTarget.OwnAccount, this);
        registry.AddFeature("urn:xmpp:ping");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type == IqType.Get)
        {
            request.ReplyResult();
        }
        else
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
        }
    }
}
