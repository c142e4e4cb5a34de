using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>The built binary's admin commands against a running server of its own: real arguments, socket, signals.</summary>
public sealed class AdminCliTests
{
    private const int SigHup = 1;
    private const int SigTerm = 15;

    [Fact]
    public async Task Adduser_status_and_reload_talk_to_the_running_server_and_sighup_reloads()
    {
        using var folder = new CliFolder();
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "alice@localhost", "pw-a")).ExitCode);
        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await server.WaitForLineAsync("Control socket");

        // The server holds the store: adduser goes through its control socket.
        var added = await folder.RunToExitAsync("adduser", "bob@localhost", "pw-b");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("Created bob@localhost", added.StdOut, StringComparison.Ordinal);
        await using var bob = await XmppTestClient.LoginAsync(endPoint, "localhost", "bob", "pw-b", "cli");

        var status = await folder.RunToExitAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("sessions: 1", status.StdOut, StringComparison.Ordinal);

        var sessions = await folder.RunToExitAsync("sessions", "bob");
        Assert.Contains("bob@localhost/cli", sessions.StdOut, StringComparison.Ordinal);

        var reload = await folder.RunToExitAsync("reload");
        Assert.True(reload.ExitCode == 0, reload.ToString());
        Assert.Contains("TLS certificates reloaded", reload.StdOut, StringComparison.Ordinal);

        server.Signal(SigHup);
        await server.WaitForLineAsync(@"Reloaded \(SIGHUP\)");
        await bob.SendAsync("<message to='bob@localhost/cli' id='after-hup'><body>still here</body></message>");
        await bob.ExpectAsync(e => (string?)e.Attribute("id") == "after-hup");

        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        var stopped = await folder.RunToExitAsync("status");
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("no server is running", stopped.StdErr, StringComparison.Ordinal);
    }
}
