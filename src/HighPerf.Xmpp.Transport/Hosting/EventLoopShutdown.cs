using DotNetty.Transport.Channels;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>
/// Ends DotNetty event loop groups without letting a stop wait on them forever.
/// </summary>
/// <remarks>
/// DotNetty 0.7's <c>SingleThreadEventExecutor.CleanupAndTerminate</c> can livelock: when a task reaches a loop
/// between its last shutdown check and its final drain, every later check runs the wake-up task the previous
/// check queued and queues another, so the loop never reaches its termination and its task never completes
/// (seen as a server that does not exit after SIGTERM, one loop thread spinning in <c>ConfirmShutdown</c>).
/// By the time this runs the connections are closed and the listeners unbound, so a loop caught in that spin
/// holds nothing: the stop waits a bounded time, says so in the log, and goes on to the final store commit.
/// </remarks>
public static class EventLoopShutdown
{
    /// <summary>How long past the loops' own shutdown timeout a stop waits before it leaves them behind.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>True when every group terminated; false when one was left spinning (and logged).</summary>
    public static async Task<bool> ShutdownAsync(ILogger logger, string owner, TimeSpan loopTimeout, params IEventLoopGroup[] groups)
    {
        var terminations = new Task[groups.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            terminations[i] = groups[i].ShutdownGracefullyAsync(TimeSpan.Zero, loopTimeout);
        }

        var all = Task.WhenAll(terminations);
        if (await Task.WhenAny(all, Task.Delay(loopTimeout + Patience)).ConfigureAwait(false) == all)
        {
            await all.ConfigureAwait(false);
            return true;
        }

        LeftBehind = true;
        TransportLog.EventLoopsLeftBehind(logger, owner, (int)(loopTimeout + Patience).TotalMilliseconds);
        return false;
    }

    /// <summary>
    /// Set once any stop in this process left a loop behind: a process that ends after such a stop exits
    /// explicitly, since a spinning loop thread would otherwise keep it alive.
    /// </summary>
    public static bool LeftBehind { get; private set; }
}
