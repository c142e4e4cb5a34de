using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Mobile;

/// <summary>Interoperability of carbons, client state indication and blocking with slixmpp's xep_0280, xep_0352 and
/// xep_0191 plugins (three clients: two resources of one user and a contact).</summary>
public sealed class SlixmppMobileTests
{
    [SlixmppFact]
    public async Task Slixmpp_gets_carbons_holds_chat_states_while_inactive_and_blocks_a_contact()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Mobile", "slixmpp_mobile.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "localhost", "secret"],
            timeout: TimeSpan.FromSeconds(150));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
