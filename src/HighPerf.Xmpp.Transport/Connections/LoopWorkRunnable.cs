using DotNetty.Common.Concurrency;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>A session's <see cref="ILoopWork"/> as the DotNetty task the event loop runs: one per connection and work
/// object, so posting the same work again allocates nothing.</summary>
internal sealed class LoopWorkRunnable(XmppConnection connection, ILoopWork work) : IRunnable
{
    public ILoopWork Work => work;

    public void Run()
    {
        try
        {
            work.RunOnLoop();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            connection.OnPostedWorkFault(ex);
        }
    }
}
