using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>Interoperability of the MUC service with slixmpp's xep_0045 plugin.</summary>
public sealed class SlixmppMucTests
{
    [SlixmppFact]
    public async Task Slixmpp_creates_and_configures_a_room_two_clients_chat_and_the_kicked_one_gets_307()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Muc", "slixmpp_muc.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), "romeo@localhost/slixmpp", "juliet@localhost/slixmpp", "secret", "verona@conference.localhost"],
            timeout: TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
