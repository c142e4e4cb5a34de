using System.Globalization;
using System.Net;

namespace HighPerf.LoadGen;

/// <summary>
/// Where sessions log in when the load is spread over several nodes of a cluster (--endpoints): session i (its user
/// index, counted from --first-user) at endpoint i mod N, so that the placement of every user is known from its index
/// alone and the same users land on the same nodes in every run.
/// </summary>
internal static class NodePlacement
{
    /// <summary>
    /// Parses a comma-separated list of endpoints: each item is host:port, [ipv6]:port or a bare port (on
    /// <paramref name="defaultHost"/>). Hosts are IP addresses (the generator binds its source addresses itself).
    /// </summary>
    public static IPEndPoint[] ParseEndpoints(string text, string defaultHost)
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0)
        {
            throw new ArgumentException("--endpoints needs at least one host:port or port");
        }

        var endpoints = new IPEndPoint[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            endpoints[i] = ParseEndpoint(items[i], defaultHost);
        }

        return endpoints;
    }

    public static IPEndPoint ParseEndpoint(string item, string defaultHost)
    {
        if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
        {
            return new IPEndPoint(IPAddress.Parse(defaultHost), CheckPort(bare, item));
        }

        if (IPEndPoint.TryParse(item, out var endpoint) && endpoint.Port != 0 && item.Contains(':', StringComparison.Ordinal)
            && (item.StartsWith('[') || item.Count(c => c == ':') == 1))
        {
            return endpoint;
        }

        throw new ArgumentException($"'{item}' is not host:port or a port (hosts are IP addresses)");
    }

    /// <summary>The node (index into the endpoint list) session <paramref name="index"/> logs in at.</summary>
    public static int NodeOf(int index, int nodes) => index % nodes;

    private static int CheckPort(int port, string item) =>
        port is > 0 and <= 65535 ? port : throw new ArgumentException($"'{item}' is not a port (1–65535)");
}
