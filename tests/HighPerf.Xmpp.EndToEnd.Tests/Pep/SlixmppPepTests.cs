using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>Interoperability of PEP with slixmpp's xep_0060, xep_0163 (with xep_0115 caps), xep_0084 and xep_0172.</summary>
public sealed class SlixmppPepTests
{
    [SlixmppFact]
    public async Task Slixmpp_gets_the_last_nickname_on_presence_an_avatar_notification_and_whitelisted_bookmarks()
    {
        await using var server = await TestServers.StartAsync(users: ["alice", "bob"]);
        await MobileSteps.BefriendAsync(server, "alice", "bob");
        var script = Path.Combine(AppContext.BaseDirectory, "Pep", "slixmpp_pep.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "localhost", "secret"],
            timeout: TimeSpan.FromSeconds(150));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
