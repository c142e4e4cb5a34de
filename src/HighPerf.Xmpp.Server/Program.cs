using HighPerf.Xmpp.Server.Cli;

namespace HighPerf.Xmpp.Server;

internal static class Program
{
    private static Task<int> Main(string[] args) => CommandLine.Build().Parse(args).InvokeAsync();
}
