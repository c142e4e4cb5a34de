using System.Globalization;
using HighPerf.Xmpp.EndToEnd.Tests.Interop;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>Interop: two slixmpp clients transfer a file through the server with slixmpp's xep_0065 and xep_0363 plugins.</summary>
public sealed class SlixmppFileTransferTests
{
    [SlixmppFact]
    public async Task Slixmpp_xep_0065_sends_a_file_through_the_proxy()
    {
        await using var server = await StartProxyServerAsync(users: ["sender", "receiver"]);
        await RunAsync(server, "proxy", 4 * 1024 * 1024);
        Assert.Equal(1, server.Host.Proxy!.Stats.TransfersCompleted);
    }

    [SlixmppFact]
    public async Task Slixmpp_xep_0363_uploads_a_file_that_the_other_client_downloads()
    {
        await using var server = await StartUploadServerAsync(users: ["sender", "receiver"]);
        await RunAsync(server, "upload", 3 * 1024 * 1024 + 5);
        Assert.Equal(1, server.Host.Upload!.FileCount);
    }

    private static async Task RunAsync(TestServer server, string mode, int size)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "FileTransfer", "slixmpp_files.py");
        var result = await ChildProcess.RunAsync(
            SlixmppFactAttribute.Python,
            [script, mode, "127.0.0.1", server.ClientEndPoint.Port.ToString(CultureInfo.InvariantCulture),
                "sender@localhost/slixmpp", "receiver@localhost/slixmpp", "secret", size.ToString(CultureInfo.InvariantCulture)],
            timeout: TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("OK", result.StdOut, StringComparison.Ordinal);
    }
}
