using HighPerf.Xmpp.Server.Cli;
using HighPerf.Xmpp.Transport.Hosting;

namespace HighPerf.Xmpp.Server;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var code = await CommandLine.Build().Parse(args).InvokeAsync();

        // A stop that had to leave a spinning DotNetty loop thread behind (logged) has closed everything else
        // and committed the store; an explicit exit keeps that thread from holding the process open.
        if (EventLoopShutdown.LeftBehind)
        {
            Environment.Exit(code);
        }

        return code;
    }
}
