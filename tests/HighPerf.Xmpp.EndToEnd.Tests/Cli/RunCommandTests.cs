using System.Net;
using System.Text.RegularExpressions;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cli;

/// <summary>The built highperf-xmpp binary: adduser, run with a config file, signals, exit codes, logging.</summary>
public sealed class RunCommandTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    [Fact]
    public async Task Adduser_then_run_serves_the_account_and_sigterm_sends_system_shutdown_and_exits_0()
    {
        using var folder = new CliFolder();
        var added = await folder.RunToExitAsync("adduser", "alice@localhost", "s3cret");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("Created alice@localhost", added.StdOut, StringComparison.Ordinal);

        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await server.WaitForListenerAsync("direct TLS");
        Assert.Equal(IPAddress.Loopback, endPoint.Address);
        Assert.NotEqual(0, endPoint.Port);

        await using var client = await XmppTestClient.LoginAsync(endPoint, "localhost", "alice", "s3cret", "cli");
        Assert.Equal("alice@localhost/cli", client.Jid);

        server.Signal(SigTerm);
        await client.ExpectStreamErrorAsync("system-shutdown");
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains(server.Lines, l => l.Contains("Shutting down (SIGTERM)", StringComparison.Ordinal));
        Assert.Contains(server.Lines, l => l.Contains("Stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Adduser_without_password_reads_it_from_stdin()
    {
        using var folder = new CliFolder();
        var added = await folder.RunToExitWithInputAsync("piped-pw\n", "adduser", "bob@localhost");
        Assert.True(added.ExitCode == 0, added.ToString());

        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await using var client = await XmppTestClient.LoginAsync(endPoint, "localhost", "bob", "piped-pw");
        server.Signal(SigInt);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Adduser_for_an_existing_or_foreign_account_fails_with_a_message()
    {
        using var folder = new CliFolder();
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "carol@localhost", "pw")).ExitCode);
        var again = await folder.RunToExitAsync("adduser", "carol@localhost", "pw");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.StdErr, StringComparison.Ordinal);
        var foreign = await folder.RunToExitAsync("adduser", "carol@example.net", "pw");
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.Contains("example.net is not served here", foreign.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passwd_changes_the_password_and_deluser_removes_the_account()
    {
        using var folder = new CliFolder();
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "dave@localhost", "old-pw")).ExitCode);
        var changed = await folder.RunToExitAsync("passwd", "dave@localhost", "new-pw");
        Assert.True(changed.ExitCode == 0, changed.ToString());

        await using (var server = folder.StartServer())
        {
            var endPoint = await server.WaitForListenerAsync();
            await using (var client = await XmppTestClient.ConnectAsync(endPoint, "localhost"))
            {
                await client.OpenStreamAsync();
                await client.StartTlsAsync();
                Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("dave", "old-pw")));
            }

            await using (await XmppTestClient.LoginAsync(endPoint, "localhost", "dave", "new-pw"))
            {
            }

            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }

        var deleted = await folder.RunToExitAsync("deluser", "dave@localhost");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.NotEqual(0, (await folder.RunToExitAsync("deluser", "dave@localhost")).ExitCode);
        Assert.NotEqual(0, (await folder.RunToExitAsync("passwd", "dave@localhost", "x")).ExitCode);

        await using (var server = folder.StartServer())
        {
            var endPoint = await server.WaitForListenerAsync();
            await using var client = await XmppTestClient.ConnectAsync(endPoint, "localhost");
            await client.OpenStreamAsync();
            await client.StartTlsAsync();
            Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("dave", "new-pw")));
        }
    }

    [Fact]
    public async Task Cert_prints_the_fingerprint_that_run_logs_and_serves()
    {
        using var folder = new CliFolder();
        var cert = await folder.RunToExitAsync("cert");
        Assert.True(cert.ExitCode == 0, cert.ToString());
        Assert.Contains("(created)", cert.StdOut, StringComparison.Ordinal);
        var fingerprint = Regex.Match(cert.StdOut, "SHA-256 (?<f>([0-9A-F]{2}:){31}[0-9A-F]{2})").Groups["f"].Value;
        Assert.NotEmpty(fingerprint);
        var again = await folder.RunToExitAsync("cert");
        Assert.DoesNotContain("(created)", again.StdOut, StringComparison.Ordinal);
        Assert.Contains(fingerprint, again.StdOut, StringComparison.Ordinal);

        await using var server = folder.StartServer();
        await server.WaitForLineAsync("Certificate for localhost: SHA-256 " + fingerprint);
        var direct = await server.WaitForListenerAsync("direct TLS");
        await using var client = await XmppTestClient.ConnectAsync(direct, "localhost", directTls: true);
        Assert.Equal(fingerprint, SelfSignedCertificate.Fingerprint(client.ServerCertificate!));
    }

    [Fact]
    public async Task Default_log_level_writes_nothing_per_stanza()
    {
        using var folder = new CliFolder();
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "erin@localhost", "pw")).ExitCode);
        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await using var a = await XmppTestClient.LoginAsync(endPoint, "localhost", "erin", "pw", "a");
        await using var b = await XmppTestClient.LoginAsync(endPoint, "localhost", "erin", "pw", "b");
        await server.WaitForLineAsync("Bound erin@localhost/b");
        await Task.Delay(300);
        var before = server.Lines.Count;
        for (var i = 0; i < 50; i++)
        {
            await a.SendAsync($"<message to='erin@localhost/b' id='m{i}'><body>{i}</body></message>");
            await b.SendAsync($"<iq to='erin@localhost/a' type='get' id='q{i}'><ping xmlns='urn:xmpp:ping'/></iq>");
        }

        await b.ExpectAsync(Wire.Reply("m49"));
        await a.ExpectAsync(Wire.Reply("q49"));
        await Task.Delay(300);
        Assert.Equal(before, server.Lines.Count);
    }

    [Fact]
    public async Task Graceful_stop_commits_what_was_accepted_before_it()
    {
        using var folder = new CliFolder();
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "frank@localhost", "pw")).ExitCode);
        Assert.Equal(0, (await folder.RunToExitAsync("adduser", "gina@localhost", "pw")).ExitCode);
        await using (var server = folder.StartServer())
        {
            var endPoint = await server.WaitForListenerAsync();
            await using var frank = await XmppTestClient.LoginAsync(endPoint, "localhost", "frank", "pw", "desk");
            await frank.SendAsync("<message to='gina@localhost' type='chat' id='kept'><body>survives a restart</body></message>");
            await frank.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
            server.Signal(SigTerm);
            await frank.ExpectStreamErrorAsync("system-shutdown");
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }

        await using (var server = folder.StartServer())
        {
            var endPoint = await server.WaitForListenerAsync();
            await using var gina = await XmppTestClient.LoginAsync(endPoint, "localhost", "gina", "pw");
            await gina.SendPresenceAsync();
            var message = await gina.ExpectAsync(Wire.Reply("kept"));
            Assert.Equal("survives a restart", message.Element(Wire.Client + "body")?.Value);
        }
    }

    [Fact]
    public async Task Taken_port_gives_a_clear_start_up_error_and_exit_code()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var folder = new CliFolder();
        File.WriteAllText(folder.ConfigPath, File.ReadAllText(folder.ConfigPath).Replace("\"client\": [ \"127.0.0.1:0\" ]", $"\"client\": [ \"127.0.0.1:{port}\" ]", StringComparison.Ordinal));
        var result = await folder.RunToExitAsync("run");
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Contains($"127.0.0.1:{port}", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("in use", result.StdErr, StringComparison.OrdinalIgnoreCase);
    }
}
