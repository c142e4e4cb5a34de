using Microsoft.Extensions.Hosting;

namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>
/// The metrics endpoint's host lifetime: none. The default (<c>ConsoleLifetime</c>) handles SIGINT/SIGTERM itself,
/// and a signal arriving while Kestrel was starting ended the process with exit code 1 and no log line. The XMPP
/// server owns the signals and stops this endpoint as part of its own graceful stop.
/// </summary>
internal sealed class ServerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
