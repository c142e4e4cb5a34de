using System.Globalization;
using System.Text.RegularExpressions;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Operations;

/// <summary>Reads an in-process test server's Prometheus endpoint (metrics.enabled on 127.0.0.1:0).</summary>
public static partial class MetricsScrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static void Enable(HighPerf.Xmpp.Server.Configuration.ServerConfig config)
    {
        config.Metrics.Enabled = true;
        config.Metrics.Listen = "127.0.0.1:0";
    }

    public static async Task<string> ScrapeAsync(TestServer server)
    {
        using var response = await Http.GetAsync(new Uri($"http://{server.Host.MetricsEndPoint}/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// Scrapes until <paramref name="name"/> reaches <paramref name="expected"/> or the deadline passes, and returns the
    /// last text. For counters recorded when a connection's close completes on the server: the client can read the
    /// stream error (and the session be unbound) before that close has run.
    /// </summary>
    public static async Task<string> ScrapeUntilAsync(TestServer server, string name, string? label, double expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = await ScrapeAsync(server);
            if (Value(text, name, label) >= expected || DateTime.UtcNow >= deadline)
            {
                return text;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain <paramref name="label"/> (0 when none).</summary>
    public static double Value(string text, string name, string? label = null)
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
