namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Work a session hands to its connection's event loop (<see cref="ISessionTransport.Post"/>); one long-lived
/// object per kind of work, so posting it allocates nothing.</summary>
public interface ILoopWork
{
    void RunOnLoop();
}
