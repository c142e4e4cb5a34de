using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>RFC 6121 with an independent client library (slixmpp): subscriptions, presence, chat, offline.</summary>
public sealed class SlixmppImTests
{
    [SlixmppFact]
    public async Task Two_slixmpp_clients_subscribe_see_presence_chat_and_get_an_offline_message()
    {
        await using var server = await TestServers.StartAsync(users: ["romeo", "juliet"]);
        var script = Path.Combine(AppContext.BaseDirectory, "Im", "interop_im.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture), server.Domain],
            timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok", result.StdOut, StringComparison.Ordinal);
    }
}
