using System.Diagnostics;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Logging;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>
/// The life of a stream: the unauthenticated timeout, whitespace keepalives (RFC 6120 §4.6.1), closing with
/// &lt;/stream:stream&gt; (§4.4) and a server shutdown (system-shutdown).
/// </summary>
public sealed class StreamLifecycleTests
{
    [Fact]
    public async Task Unauthenticated_connection_is_closed_with_connection_timeout_and_logged()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(c => c.Auth.TimeoutSeconds = 1, loggerFactory: log.Factory);
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        var watch = Stopwatch.StartNew();
        await client.ExpectStreamErrorAsync("connection-timeout", TimeSpan.FromSeconds(15));
        Assert.True(watch.Elapsed.TotalSeconds >= 0.5, $"closed after {watch.Elapsed}"); // not before the 1 s timeout
        await log.WaitForAsync(2006);
    }

    [Fact]
    public async Task Connection_that_never_sent_a_header_times_out_with_our_header_and_connection_timeout()
    {
        await using var server = await TestServers.StartAsync(c => c.Auth.TimeoutSeconds = 1);
        await using var client = await server.ConnectAsync();
        var header = await client.NextAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(XmppEventKind.StreamOpened, header.Kind);
        await client.ExpectStreamErrorAsync("connection-timeout", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Authenticated_session_outlives_the_authentication_timeout()
    {
        await using var server = await TestServers.StartAsync(c => c.Auth.TimeoutSeconds = 1);
        await using var alice = await server.LoginAsync("alice", "stays");
        await alice.ExpectSilenceAsync(TimeSpan.FromSeconds(1.8));
        await alice.SendAsync("<message to='alice@localhost/stays' id='self'><body>still here</body></message>");
        Assert.Equal("self", (string?)(await alice.ExpectAsync(Wire.Named("message"))).Attribute("id"));
    }

    [Fact]
    public async Task Whitespace_keepalives_are_accepted_during_negotiation_and_when_bound()
    {
        await using var server = await TestServers.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync(" ");
        await client.StartTlsAsync();
        await client.SendAsync("\r\n\t ");
        await client.AuthenticateAsync("alice", "secret");
        await client.OpenStreamAsync();
        await client.BindAsync("keepalive");
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(" ");
        }

        await client.SendAsync("<message to='alice@localhost/keepalive' id='after-ws'><body>x</body></message>");
        Assert.Equal("after-ws", (string?)(await client.ExpectAsync(Wire.Named("message"))).Attribute("id"));
    }

    [Fact]
    public async Task Closing_tag_before_authentication_is_answered_and_the_connection_closed()
    {
        await using var server = await TestServers.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync("</stream:stream>");
        Assert.Equal(XmppEventKind.StreamClosed, (await client.NextAsync()).Kind);
        Assert.Equal(XmppEventKind.Disconnected, (await client.NextAsync()).Kind);
    }

    [Fact]
    public async Task Closing_tag_from_a_bound_client_is_answered_closes_and_ends_the_session_with_a_log()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(loggerFactory: log.Factory);
        await using var client = await server.LoginAsync("alice", "leaving");
        await client.SendAsync("</stream:stream>");
        Assert.Equal(XmppEventKind.StreamClosed, (await client.NextAsync()).Kind);
        Assert.Equal(XmppEventKind.Disconnected, (await client.NextAsync()).Kind);
        await server.WaitUntilUnboundAsync("alice@localhost/leaving");
        await log.WaitForAsync(1005, e => e.Message.Contains("alice@localhost/leaving", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_disconnect_without_closing_tag_ends_the_session_with_a_log()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(loggerFactory: log.Factory);
        var client = await server.LoginAsync("bob", "vanish");
        await client.DisposeAsync();
        await server.WaitUntilUnboundAsync("bob@localhost/vanish");
        await log.WaitForAsync(1005, e => e.Message.Contains("bob@localhost/vanish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_stop_sends_system_shutdown_to_bound_and_unauthenticated_clients()
    {
        var server = await TestServers.StartAsync();
        try
        {
            await using var bound = await server.LoginAsync("alice", "shutdown");
            await using var fresh = await server.ConnectAsync();
            await fresh.OpenStreamAsync();
            await using var silent = await server.ConnectAsync();

            var endPoint = server.ClientEndPoint;
            var stopping = server.Host.StopAsync("test");
            await bound.ExpectStreamErrorAsync("system-shutdown");
            await fresh.ExpectStreamErrorAsync("system-shutdown");
            await silent.ExpectStreamErrorAsync("system-shutdown");
            await stopping.WaitAsync(TimeSpan.FromSeconds(10));

            // It stopped accepting, too.
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => XmppTestClient.ConnectAsync(endPoint, "localhost"));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
