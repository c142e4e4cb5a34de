using System.Globalization;
using System.Net;

namespace HighPerf.LoadGen;

/// <summary>
/// The cluster nodes' own counts of what crossed between them, read from each node's Prometheus endpoint
/// (metrics.enabled; --metrics lists them) before and after the measured window: stanzas received from clients
/// (messages), stanzas and frame bytes sent over node links, and bytes written to clients. The cross-node
/// fraction of a run is the links' stanzas over the clients' messages, both counted by the servers.
/// </summary>
internal sealed record NodeMetrics(double MessagesIn, double LinkStanzasSent, double LinkStanzasReceived, double LinkBytesSent, double ClientBytesOut, int Scraped)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static NodeMetrics Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Sums the counters over every endpoint that answers (<see cref="Scraped"/> says how many did).</summary>
    public static async Task<NodeMetrics> ScrapeAsync(IReadOnlyList<IPEndPoint> endpoints)
    {
        var sum = Empty;
        foreach (var endpoint in endpoints)
        {
            try
            {
                var text = await Http.GetStringAsync(new Uri($"http://{endpoint}/metrics")).ConfigureAwait(false);
                sum = sum.Add(Parse(text));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"[loadgen] metrics at {endpoint}: {ex.Message}");
            }
        }

        return sum;
    }

    /// <summary>One node's counters from its Prometheus text.</summary>
    public static NodeMetrics Parse(string text) => new(
        Value(text, "xmpp_stanzas_in_total", "kind=\"message\""),
        Value(text, "xmpp_cluster_link_stanzas_total", "direction=\"sent\""),
        Value(text, "xmpp_cluster_link_stanzas_total", "direction=\"received\""),
        Value(text, "xmpp_cluster_link_data_bytes_total", "direction=\"sent\""),
        Value(text, "xmpp_bytes_out_bytes_total", null),
        1);

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain <paramref name="label"/> (0 when none).</summary>
    public static double Value(string text, string name, string? label)
    {
        ArgumentNullException.ThrowIfNull(text);
        double total = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length <= name.Length || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal) || line[name.Length] is not (' ' or '{'))
            {
                continue;
            }

            var labels = "";
            var rest = line[name.Length..];
            if (rest[0] == '{')
            {
                var close = rest.IndexOf('}', StringComparison.Ordinal);
                if (close < 0)
                {
                    continue;
                }

                labels = rest[1..close];
                rest = rest[(close + 1)..];
            }

            var value = rest.Trim().Split(' ')[0];
            if ((label is null || labels.Contains(label, StringComparison.Ordinal))
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var sample))
            {
                total += sample;
            }
        }

        return total;
    }

    public NodeMetrics Add(NodeMetrics other) => new(MessagesIn + other.MessagesIn, LinkStanzasSent + other.LinkStanzasSent,
        LinkStanzasReceived + other.LinkStanzasReceived, LinkBytesSent + other.LinkBytesSent, ClientBytesOut + other.ClientBytesOut, Scraped + other.Scraped);

    public NodeMetrics Minus(NodeMetrics before) => new(MessagesIn - before.MessagesIn, LinkStanzasSent - before.LinkStanzasSent,
        LinkStanzasReceived - before.LinkStanzasReceived, LinkBytesSent - before.LinkBytesSent, ClientBytesOut - before.ClientBytesOut, Math.Min(Scraped, before.Scraped));
}
