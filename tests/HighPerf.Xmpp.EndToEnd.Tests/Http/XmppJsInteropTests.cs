using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>
/// Interoperability with xmpp.js (@xmpp/client from npm) over WebSocket. The package is installed into
/// Http/xmppjs/node_modules by <c>.ci/run</c> (npm ci); when it is missing the test fails with the command to run,
/// rather than skipping, so CI cannot pass without having run it.
/// </summary>
public sealed class XmppJsInteropTests
{
    private static readonly XNamespace Client = "jabber:client";

    [Fact]
    public async Task Xmppjs_logs_in_over_websocket_and_chats_with_a_tcp_client()
    {
        var folder = FindXmppJsFolder();
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "@xmpp", "client")),
            $"xmpp.js is not installed: run 'npm ci' in {folder} (.ci/run does this before the tests).");

        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        await using var bob = await server.LoginAsync("bob", "tcp");
        var url = $"ws://{server.HttpEndPoint}/xmpp-websocket";
        var node = ChildProcess.RunAsync(
            "node",
            ["--experimental-websocket", Path.Combine(folder, "interop.mjs"), url, "localhost", "alice", "secret", "xmppjs", "bob@localhost/tcp"],
            timeout: TimeSpan.FromSeconds(60),
            workingDirectory: folder);

        var fromJs = await bob.ExpectAsync(e => e.Name.LocalName == "message", TimeSpan.FromSeconds(45))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
        if (fromJs is null)
        {
            var early = await node;
            Assert.Fail($"No message from xmpp.js reached the TCP client. {early}");
        }

        Assert.Equal("alice@localhost/xmppjs", (string?)fromJs.Attribute("from"));
        Assert.Equal("hello from xmpp.js", fromJs.Element(Client + "body")?.Value);

        await bob.SendAsync("<message to='alice@localhost/xmppjs' type='chat' id='r1'><body>hello from tcp</body></message>");
        var result = await node;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ONLINE alice@localhost/xmppjs", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("GOT hello from tcp from bob@localhost/tcp", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("STOPPED", result.StdOut, StringComparison.Ordinal);
    }

    /// <summary>The source folder with package.json (node resolves @xmpp/client next to the script).</summary>
    private static string FindXmppJsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Http", "xmppjs");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"Http/xmppjs/package.json not found above {AppContext.BaseDirectory}.");
    }
}
