using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Control;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>
/// The control socket of a running server (data/control.sock): status, sessions, kick, broadcast, reload and the
/// account commands, as the CLI sends them (ControlClient). The CLI process itself: <see cref="AdminCliTests"/>.
/// </summary>
public sealed class AdminCommandsTests
{
    [Fact]
    public async Task Control_socket_is_private_to_the_servers_user()
    {
        await using var server = await TestServers.StartAsync();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketOf(server)));
        }
    }

    [Fact]
    public async Task Status_and_sessions_describe_the_running_server()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice", "desk");
        await using var bob = await server.LoginAsync("bob", "phone");

        var status = await SendAsync(server, "status");
        Assert.Contains("sessions: 2", status.Text, StringComparison.Ordinal);
        Assert.Contains("uptime:", status.Text, StringComparison.Ordinal);
        Assert.Contains("memory:", status.Text, StringComparison.Ordinal);
        Assert.Contains("version:", status.Text, StringComparison.Ordinal);

        var all = await SendAsync(server, "sessions");
        Assert.Contains("alice@localhost/desk\t127.0.0.1\ttls", all.Text, StringComparison.Ordinal);
        Assert.Contains("bob@localhost/phone", all.Text, StringComparison.Ordinal);
        var filtered = await SendAsync(server, "sessions", "bob@");
        Assert.DoesNotContain("alice", filtered.Text, StringComparison.Ordinal);
        Assert.Contains("1 session(s)", filtered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kick_ends_one_session_by_full_jid_or_all_by_bare_jid_with_policy_violation()
    {
        await using var server = await TestServers.StartAsync();
        await using var one = await server.LoginAsync("alice", "one");
        await using var two = await server.LoginAsync("alice", "two");
        await using var bob = await server.LoginAsync("bob", "stays");

        await SendAsync(server, "kick", "alice@localhost/one");
        await one.ExpectStreamErrorAsync("policy-violation", skipOthers: true);
        await server.WaitUntilUnboundAsync("alice@localhost/one");
        Assert.True(server.IsBound("alice@localhost/two"));

        await SendAsync(server, "kick", "alice@localhost");
        await two.ExpectStreamErrorAsync("policy-violation", skipOthers: true);
        Assert.True(server.IsBound("bob@localhost/stays"));

        var nobody = await ControlClient.TrySendAsync(SocketOf(server), "kick", "alice@localhost");
        Assert.Equal(1, nobody!.Value.ExitCode);
    }

    [Fact]
    public async Task Broadcast_sends_a_headline_from_the_domain_to_every_session()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice", "b1");
        await using var bob = await server.LoginAsync("bob", "b2");

        var reply = await SendAsync(server, "broadcast", "Maintenance at 5 <UTC> & after");
        Assert.Contains("Sent to 2 session(s)", reply.Text, StringComparison.Ordinal);
        foreach (var client in new[] { alice, bob })
        {
            var message = await client.ExpectAsync(e => e.Name.LocalName == "message" && (string?)e.Attribute("type") == "headline");
            Assert.Equal("localhost", (string?)message.Attribute("from"));
            Assert.Equal(client.Jid, (string?)message.Attribute("to"));
            Assert.Equal("Maintenance at 5 <UTC> & after", message.Elements().Single(e => e.Name.LocalName == "body").Value);
        }
    }

    [Fact]
    public async Task Reload_serves_a_new_certificate_to_new_connections_and_keeps_sessions()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice", "before");
        var first = alice.ServerCertificate!.Thumbprint;

        // A new self-signed certificate appears in the data folder when the old one is gone.
        foreach (var file in Directory.GetFiles(Path.Combine(server.DataDirectory, "tls")))
        {
            File.Delete(file);
        }

        var reply = await SendAsync(server, "reload");
        Assert.Contains("TLS certificates reloaded", reply.Text, StringComparison.Ordinal);

        await using var bob = await server.LoginAsync("bob", "after");
        Assert.NotEqual(first, bob.ServerCertificate!.Thumbprint);

        await alice.SendAsync($"<message to='{bob.Jid}' id='still'><body>same session</body></message>");
        await bob.ExpectAsync(Wire.Reply("still"));
    }

    [Fact]
    public async Task Account_commands_work_while_the_server_holds_the_store()
    {
        await using var server = await TestServers.StartAsync();
        Assert.Equal(0, (await ControlClient.TrySendAsync(SocketOf(server), "adduser", "zoe@localhost", "first"))!.Value.ExitCode);
        Assert.Equal(1, (await ControlClient.TrySendAsync(SocketOf(server), "adduser", "zoe@localhost", "again"))!.Value.ExitCode);
        Assert.Equal(2, (await ControlClient.TrySendAsync(SocketOf(server), "adduser", "zoe@example.net", "x"))!.Value.ExitCode);
        await using (var zoe = await XmppTestClient.LoginAsync(server.ClientEndPoint, "localhost", "zoe", "first", "r"))
        {
            await SendAsync(server, "passwd", "zoe@localhost", "second");
            await using var again = await XmppTestClient.LoginAsync(server.ClientEndPoint, "localhost", "zoe", "second", "r2");

            await SendAsync(server, "deluser", "zoe@localhost");
            await zoe.ExpectStreamErrorAsync("not-authorized", skipOthers: true);
            await again.ExpectStreamErrorAsync("not-authorized", skipOthers: true);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => XmppTestClient.LoginAsync(server.ClientEndPoint, "localhost", "zoe", "second", "r3"));
    }

    private static string SocketOf(TestServer server)
    {
        // An external server binary (HPX_SERVER_BINARY) is started on first use of its address.
        _ = server.ClientEndPoint;
        return Path.Combine(server.DataDirectory, "control.sock");
    }

    private static async Task<ControlReply> SendAsync(TestServer server, string command, params string[] args)
    {
        var reply = await ControlClient.TrySendAsync(SocketOf(server), command, args);
        Assert.NotNull(reply);
        Assert.True(reply.Value.ExitCode == 0, reply.Value.Text);
        return reply.Value;
    }
}
