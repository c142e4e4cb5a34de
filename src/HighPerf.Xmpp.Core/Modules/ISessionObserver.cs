using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>Told when a session is bound and when it ends (after it left the routing table).</summary>
public interface ISessionObserver
{
    void OnBound(XmppSession session);

    void OnEnded(XmppSession session, bool lastSessionOfUser);

    /// <summary>A detached session was resumed (XEP-0198) after giving up <paramref name="gap"/> while detached;
    /// called after the resent backlog is queued, on the new connection's loop. Not called when nothing was given up.</summary>
    void OnResumed(XmppSession session, ResumeGap gap)
    {
    }
}
