using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// RFC 6121 rosters: jabber:iq:roster get/set with versioning (§2.6) and pre-approval (§3.4) advertised as
/// stream features. The roster is loaded into memory when the user's first session binds.
/// </summary>
public sealed class RosterModule : IXmppModule, IStreamFeatureProvider, ISessionObserver
{
    private ImContext? _im;

    public string Name => "roster";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        _im = ImContext.For(server);
        registry.AddIqHandler(RosterIqHandler.Namespace, "query"u8, IqTarget.AnyAccount, new RosterIqHandler(_im));
        registry.AddStreamFeatures(this);
        registry.AddSessionObserver(this);
        registry.AddFeature("jabber:iq:roster");
    }

    public void WriteFeatures(XmppSession session, PooledBufferWriter writer)
        => writer.Write("<ver xmlns='urn:xmpp:features:rosterver'/><sub xmlns='urn:xmpp:features:pre-approval'/>"u8);

    public void OnBound(XmppSession session) => _im!.RosterOf(session.User!);

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
    }
}
