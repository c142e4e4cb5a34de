using System.Globalization;
using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>
/// Bounded memory under abuse: the outbound bound (slow reader), the inbound token bucket (fast sender) and the
/// connection limits, each seen from the client and in the metrics. Bounded: every loop has a byte or time cap.
/// </summary>
public sealed class BackPressureTests
{
    [Fact]
    public async Task Reader_that_stops_is_closed_with_policy_violation_and_its_queue_never_exceeds_the_bound()
    {
        const int bound = 32 * 1024;
        await using var server = await TestServers.StartAsync(c =>
        {
            MetricsScrape.Enable(c);
            c.Limits.OutboundQueueBytes = bound;

            // What the socket buffers absorbed before bob's close goes to his offline store; past its per-user limit each
            // message would come back to alice as an error carrying its 1 KB body, and a burst of those over her own
            // 32 KiB bound closes her as a slow reader too, which is right but is not what this test pins.
            c.Storage.OfflineMessagesPerUser = 100_000;
        }, users: ["alice", "bob"]);
        await using var stalled = await server.LoginAsync("bob", "stalled", receiveBufferSize: 4096);
        await using var alice = await server.LoginAsync("alice", "flooder");

        var message = $"<message to='bob@localhost/stalled' type='chat'><body>{new string('x', 1000)}</body></message>";
        var batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(message, 32)));
        var sent = 0L;
        double largest = 0;
        while (server.IsBound("bob@localhost/stalled"))
        {
            Assert.True(sent < 64L * 1024 * 1024, "64 MiB sent to a client that does not read and it is still connected");
            await alice.SendRawAsync(batch);
            sent += batch.Length;
            largest = Math.Max(largest, MetricsScrape.Value(await MetricsScrape.ScrapeAsync(server), "xmpp_outbound_queued_max_bytes"));
        }

        Assert.True(largest <= bound, $"an outbound queue held {largest} bytes, over its bound of {bound}");
        await stalled.ExpectStreamErrorAsync("policy-violation", skipOthers: true, timeout: TimeSpan.FromSeconds(30));
        var after = await MetricsScrape.ScrapeUntilAsync(server, "xmpp_connections_closed_total", "reason=\"slow-reader\"", 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, MetricsScrape.Value(after, "xmpp_connections_slow_reader_total"));
        Assert.Equal(1, MetricsScrape.Value(after, "xmpp_connections_closed_total", "reason=\"slow-reader\""));

        // The sender is unaffected.
        await alice.SendAsync("<message to='alice@localhost/flooder' id='still-here'><body>ok</body></message>");
        await alice.ExpectAsync(Wire.Reply("still-here"), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sender_over_its_inbound_rate_is_paused_not_dropped()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            MetricsScrape.Enable(c);
            c.Limits.MaxStanzaBytes = 8192;
            c.Limits.InboundBurstBytes = 8192;
            c.Limits.InboundBytesPerSecond = 32 * 1024;
        }, users: ["alice"]);
        await using var alice = await server.LoginAsync("alice", "fast");

        // ~96 KiB in one go: three seconds' worth at the configured rate, twelve bursts.
        const int count = 96;
        var stanzas = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            stanzas.Append(CultureInfo.InvariantCulture, $"<message to='{alice.Jid}' id='r{i}'><body>{new string('y', 900)}</body></message>");
        }

        await alice.SendAsync(stanzas.ToString());
        for (var i = 0; i < count; i++)
        {
            await alice.ExpectAsync(Wire.Reply($"r{i}"), TimeSpan.FromSeconds(30));
        }

        var metrics = await MetricsScrape.ScrapeAsync(server);
        Assert.True(MetricsScrape.Value(metrics, "xmpp_connections_inbound_paused_total") >= 1, metrics);
        Assert.True(server.IsBound(alice.Jid!));
    }

    [Fact]
    public async Task Connections_over_the_per_ip_limit_are_closed_at_accept_and_slots_come_back()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            MetricsScrape.Enable(c);
            c.Limits.MaxConnectionsPerIp = 2;
        }, users: ["alice"]);
        await using var first = await server.LoginAsync("alice", "one");
        await using (var second = await server.ConnectAsync())
        {
            await second.OpenStreamAsync();
            await using var third = await server.ConnectAsync();
            await third.ExpectClosedAsync(TimeSpan.FromSeconds(10));
        }

        var metrics = await MetricsScrape.ScrapeAsync(server);
        Assert.Equal(1, MetricsScrape.Value(metrics, "xmpp_connections_rejected_total", "limit=\"per_ip\""));

        // The second connection's slot is free again once it closed.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Host.ConnectionCount > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the closed connection still counts");
            await Task.Delay(20);
        }

        await using var again = await server.LoginAsync("alice", "two");
        Assert.True(server.IsBound(again.Jid!));
    }

    [Fact]
    public async Task Connections_over_the_global_limit_are_closed_at_accept()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            MetricsScrape.Enable(c);
            c.Limits.MaxConnections = 1;
        }, users: ["alice"]);
        await using var first = await server.LoginAsync("alice", "only");
        await using var second = await server.ConnectAsync(directTls: false);
        await second.ExpectClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, MetricsScrape.Value(await MetricsScrape.ScrapeAsync(server), "xmpp_connections_rejected_total", "limit=\"global\""));
        Assert.True(server.IsBound(first.Jid!));
    }
}
