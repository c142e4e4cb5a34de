using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>Interoperability of XEP-0198 resumption with slixmpp's xep_0198 plugin.</summary>
public sealed class SlixmppStreamManagementTests
{
    [SlixmppFact]
    public async Task Slixmpp_resumes_after_its_socket_is_dropped_and_gets_every_message_exactly_once()
    {
        await using var server = await TestServers.StartAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "StreamManagement", "slixmpp_sm.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "alice@localhost/phone", "bob@localhost/pc", "secret"],
            timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
