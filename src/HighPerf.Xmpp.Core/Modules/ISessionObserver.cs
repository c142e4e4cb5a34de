using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>Told when a session is bound and when it ends (after it left the routing table).</summary>
public interface ISessionObserver
{
    void OnBound(XmppSession session);

    void OnEnded(XmppSession session, bool lastSessionOfUser);
}
