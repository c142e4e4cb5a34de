using System.Net;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>The Prometheus endpoint (metrics.enabled): scraped before and after some traffic, its counters move.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_shows_connections_logins_stanzas_bytes_and_routing_latency_move()
    {
        await using var server = await TestServers.StartAsync(MetricsScrape.Enable);
        var before = await MetricsScrape.ScrapeAsync(server);
        await using (var alice = await server.LoginAsync("alice", "m1"))
        await using (var bob = await server.LoginAsync("bob", "m2"))
        {
            for (var i = 0; i < 3; i++)
            {
                await alice.SendAsync($"<message to='{bob.Jid}' type='chat' id='m{i}'><body>hi</body></message>");
                await bob.ExpectAsync(Wire.Reply($"m{i}"));
            }

            var during = await MetricsScrape.ScrapeAsync(server);
            var listener = $"listener=\"{server.ClientEndPoint}\"";
            Assert.True(MetricsScrape.Value(during, "xmpp_connections_opened_total", listener) >= MetricsScrape.Value(before, "xmpp_connections_opened_total", listener) + 2, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_connections_open", listener) >= 2, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_auth_successes_total", "mechanism=\"SCRAM-SHA-256\"") >= 2, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_stanzas_in_total", "kind=\"message\"") >= 3, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_stanzas_routed_total", "kind=\"message\"") >= 3, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_routing_duration_seconds_count", null) >= 3, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_routing_duration_seconds_bucket", "le=\"+Inf\"") >= 3, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_bytes_in_bytes_total", null) > 0, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_bytes_out_bytes_total", null) > 0, during);
            Assert.True(MetricsScrape.Value(during, "xmpp_tls_handshakes_total", listener) >= 2, during);
            Assert.True(MetricsScrape.Value(during, "process_memory_working_set_bytes", null) > 0, during);
            Assert.Contains("# TYPE xmpp_routing_duration_seconds histogram", during, StringComparison.Ordinal);
        }

        await using (var wrong = await server.ConnectAsync())
        {
            await wrong.OpenStreamAsync();
            await wrong.StartTlsAsync();
            await wrong.AuthenticateAsync("alice", "wrong-password");
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        string after;
        do
        {
            await Task.Delay(50);
            after = await MetricsScrape.ScrapeAsync(server);
        }
        while (MetricsScrape.Value(after, "xmpp_connections_open", $"listener=\"{server.ClientEndPoint}\"") > 0 && DateTime.UtcNow < deadline);

        Assert.Equal(0, MetricsScrape.Value(after, "xmpp_connections_open", $"listener=\"{server.ClientEndPoint}\""));
        Assert.True(MetricsScrape.Value(after, "xmpp_connections_closed_total", null) >= 3, after);
        Assert.True(MetricsScrape.Value(after, "xmpp_auth_failures_total", "mechanism=\"SCRAM-SHA-256\"") >= 1, after);
    }

    [Fact]
    public async Task Offline_messages_and_the_store_commits_behind_them_are_counted()
    {
        await using var server = await TestServers.StartAsync(MetricsScrape.Enable);
        await using (var alice = await server.LoginAsync("alice", "offline-metrics"))
        {
            await alice.SendAsync("<message to='bob@localhost' type='chat' id='off1'><body>while you were away</body></message>");
            await WaitForAsync(server, "xmpp_offline_stored_total", 1);

            // Storing it took a durable commit, and its time is counted.
            await WaitForAsync(server, "xmpp_storage_commits_total", 1);
            Assert.True(MetricsScrape.Value(await MetricsScrape.ScrapeAsync(server), "xmpp_storage_commit_time_seconds_total", null) > 0);
        }

        await using var bob = await server.LoginAsync("bob", "back");
        await bob.SendAsync("<presence/>");
        await bob.ExpectAsync(Wire.Reply("off1"));
        await WaitForAsync(server, "xmpp_offline_delivered_total", 1);
    }

    private static async Task WaitForAsync(TestServer server, string metric, double atLeast)
    {
        var scrape = await MetricsScrape.ScrapeUntilAsync(server, metric, null, atLeast, TimeSpan.FromSeconds(10));
        Assert.True(MetricsScrape.Value(scrape, metric, null) >= atLeast, $"{metric} stayed below {atLeast}:\n{scrape}");
    }

    [Fact]
    public async Task Other_paths_are_not_found()
    {
        await using var server = await TestServers.StartAsync(MetricsScrape.Enable);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://{server.Host.MetricsEndPoint}/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(IPAddress.Loopback, server.Host.MetricsEndPoint!.Address);
    }
}
