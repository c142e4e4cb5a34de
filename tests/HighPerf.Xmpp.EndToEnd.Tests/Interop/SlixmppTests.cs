using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Interop;

/// <summary>Interoperability with an independent client library: slixmpp (Python).</summary>
public sealed class SlixmppTests
{
    [SlixmppFact]
    public async Task Two_slixmpp_clients_log_in_over_starttls_with_scram_and_exchange_messages()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "slixmpp_chat.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "romeo@localhost/slixmpp", "secret", "juliet@localhost/slixmpp", "secret"],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }

    [SlixmppFact]
    public async Task Slixmpp_with_a_wrong_password_is_refused()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "slixmpp_chat.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "romeo@localhost/slixmpp", "wrong", "juliet@localhost/slixmpp", "secret"],
            timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("authentication failed", result.StdErr, StringComparison.Ordinal);
    }
}
