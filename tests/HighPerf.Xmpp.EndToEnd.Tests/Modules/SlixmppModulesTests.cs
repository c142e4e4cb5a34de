using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>Interoperability of the server modules with slixmpp (plugins xep_0030, xep_0199, xep_0092).</summary>
public sealed class SlixmppModulesTests
{
    [SlixmppFact]
    public async Task Slixmpp_discovers_the_server_pings_it_and_reads_its_version()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Modules", "slixmpp_modules.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "romeo@localhost/slixmpp", "secret", "localhost"],
            timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
