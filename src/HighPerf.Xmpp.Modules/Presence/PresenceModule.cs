using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Presence;

/// <summary>
/// RFC 6121 presence: broadcast to subscribers, answers to probes from the current state, directed
/// presence, the subscription state machine, and the unavailable presence owed when a session ends.
/// Needs the roster module.
/// </summary>
public sealed class PresenceModule : IXmppModule, ISessionObserver
{
    private ImContext? _im;

    public string Name => "presence";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        if (!registry.IsEnabled("roster"))
        {
            throw new InvalidOperationException("The presence module needs the roster module (enable both, roster first).");
        }

        _im = ImContext.For(server);
        registry.SetPresenceHandler(new PresenceHandler(_im));
        registry.AddSessionObserver(this);
    }

    public void OnBound(XmppSession session) => SessionPresence.Of(session);

    public void OnResumed(XmppSession session, ResumeGap gap)
    {
        if ((gap & ResumeGap.PresenceDropped) != 0)
        {
            _im!.Presence.ResyncAfterGap(session);
        }
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser)
    {
        var im = _im!;
        if (session.IsAvailable)
        {
            // RFC 6121 §4.5.2 / §4.6.3: a session that ends without saying so goes unavailable for everyone who saw it.
            im.Presence.BroadcastUnavailable(session);
            session.IsAvailable = false;
            if (!PresenceBroadcaster.HasAvailableSession(session.User!))
            {
                im.Presence.OnUserUnavailable(session.User!);
            }
        }
        else
        {
            im.Presence.SendUnavailableToDirected(session, skipWatchers: false);
        }
    }
}
