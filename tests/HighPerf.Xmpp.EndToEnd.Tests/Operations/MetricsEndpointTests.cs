using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>The Prometheus endpoint (metrics.enabled): scraped before and after some traffic, its counters move.</summary>
public sealed partial class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_shows_connections_logins_stanzas_bytes_and_routing_latency_move()
    {
        await using var server = await TestServers.StartAsync(EnableMetrics);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://{server.Host.MetricsEndPoint}/metrics";

        var before = await ScrapeAsync(http, url);
        await using (var alice = await server.LoginAsync("alice", "m1"))
        await using (var bob = await server.LoginAsync("bob", "m2"))
        {
            for (var i = 0; i < 3; i++)
            {
                await alice.SendAsync($"<message to='{bob.Jid}' type='chat' id='m{i}'><body>hi</body></message>");
                await bob.ExpectAsync(Wire.Reply($"m{i}"));
            }

            var during = await ScrapeAsync(http, url);
            var listener = $"listener=\"{server.ClientEndPoint}\"";
            Assert.True(Value(during, "xmpp_connections_opened_total", listener) >= Value(before, "xmpp_connections_opened_total", listener) + 2, during);
            Assert.True(Value(during, "xmpp_connections_open", listener) >= 2, during);
            Assert.True(Value(during, "xmpp_auth_successes_total", "mechanism=\"SCRAM-SHA-256\"") >= 2, during);
            Assert.True(Value(during, "xmpp_stanzas_in_total", "kind=\"message\"") >= 3, during);
            Assert.True(Value(during, "xmpp_stanzas_routed_total", "kind=\"message\"") >= 3, during);
            Assert.True(Value(during, "xmpp_routing_duration_seconds_count", null) >= 3, during);
            Assert.True(Value(during, "xmpp_routing_duration_seconds_bucket", "le=\"+Inf\"") >= 3, during);
            Assert.True(Value(during, "xmpp_bytes_in_bytes_total", null) > 0, during);
            Assert.True(Value(during, "xmpp_bytes_out_bytes_total", null) > 0, during);
            Assert.True(Value(during, "xmpp_tls_handshakes_total", listener) >= 2, during);
            Assert.True(Value(during, "process_memory_working_set_bytes", null) > 0, during);
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
            after = await ScrapeAsync(http, url);
        }
        while (Value(after, "xmpp_connections_open", $"listener=\"{server.ClientEndPoint}\"") > 0 && DateTime.UtcNow < deadline);

        Assert.Equal(0, Value(after, "xmpp_connections_open", $"listener=\"{server.ClientEndPoint}\""));
        Assert.True(Value(after, "xmpp_connections_closed_total", null) >= 3, after);
        Assert.True(Value(after, "xmpp_auth_failures_total", "mechanism=\"SCRAM-SHA-256\"") >= 1, after);
    }

    [Fact]
    public async Task Other_paths_are_not_found()
    {
        await using var server = await TestServers.StartAsync(EnableMetrics);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync(new Uri($"http://{server.Host.MetricsEndPoint}/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(IPAddress.Loopback, server.Host.MetricsEndPoint!.Address);
    }

    private static void EnableMetrics(HighPerf.Xmpp.Server.Configuration.ServerConfig config)
    {
        config.Metrics.Enabled = true;
        config.Metrics.Listen = "127.0.0.1:0";
    }

    private static async Task<string> ScrapeAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(new Uri(url));
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain <paramref name="label"/> (0 when none).</summary>
    private static double Value(string text, string name, string? label)
    {
        double total = 0;
        foreach (Match match in Sample().Matches(text))
        {
            if (match.Groups["name"].Value == name && (label is null || match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                total += double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
