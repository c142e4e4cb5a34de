using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>Interoperability of the archive with slixmpp's xep_0313 (paging through history with RSM) and xep_0359.</summary>
public sealed class SlixmppArchiveTests
{
    [SlixmppFact]
    public async Task Slixmpp_pages_through_its_history_and_sees_the_stanza_ids_it_received()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Archive", "slixmpp_mam.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "localhost", "secret"],
            timeout: TimeSpan.FromSeconds(150));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
