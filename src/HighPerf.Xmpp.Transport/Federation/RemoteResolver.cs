using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// Where to connect for a remote domain (RFC 6120 §3.2, RFC 7590, XEP-0368): a static route when configured
/// (closed networks, tests), else the SRV records _xmpps-server._tcp (direct TLS) and _xmpp-server._tcp (STARTTLS)
/// ordered by priority then weight (RFC 2782; direct TLS first at equal priority), else the domain itself on 5269.
/// A single "." target means the domain offers no s2s service. SRV look-ups go through DnsClient; host names
/// are resolved by the system resolver (so /etc/hosts applies).
/// </summary>
public sealed class RemoteResolver
{
    public const int DefaultPort = 5269;

    private readonly Dictionary<string, RemoteTarget> _routes;
    private readonly Lazy<LookupClient?> _dns;

    public RemoteResolver(IReadOnlyDictionary<string, RemoteTarget> staticRoutes)
    {
        _routes = new Dictionary<string, RemoteTarget>(staticRoutes, StringComparer.OrdinalIgnoreCase);
        _dns = new Lazy<LookupClient?>(CreateClient);
    }

    public async Task<IReadOnlyList<RemoteTarget>> ResolveAsync(string domain, CancellationToken cancellation = default)
    {
        if (_routes.TryGetValue(domain, out var route))
        {
            return [route];
        }

        var targets = new List<(int Priority, int Order, RemoteTarget Target)>();
        var dns = _dns.Value;
        if (dns is not null && !IPAddress.TryParse(domain, out _))
        {
            var direct = await QuerySrvAsync(dns, "_xmpps-server._tcp." + domain, cancellation).ConfigureAwait(false);
            var starttls = await QuerySrvAsync(dns, "_xmpp-server._tcp." + domain, cancellation).ConfigureAwait(false);
            if (IsNoService(direct) && IsNoService(starttls))
            {
                return [];
            }

            Add(targets, direct, directTls: true);
            Add(targets, starttls, directTls: false);
        }

        if (targets.Count == 0)
        {
            return [new RemoteTarget(domain, DefaultPort, DirectTls: false)];
        }

        targets.Sort(static (a, b) => a.Priority != b.Priority ? a.Priority.CompareTo(b.Priority) : a.Order.CompareTo(b.Order));
        return targets.ConvertAll(static t => t.Target);
    }

    private static LookupClient? CreateClient()
    {
        try
        {
            // Short timeouts: a server without DNS (loopback tests, closed networks) falls back to the name quickly.
            return new LookupClient(new LookupClientOptions
            {
                Timeout = TimeSpan.FromSeconds(2),
                Retries = 1,
                UseCache = true,
                ThrowDnsErrors = false,
                ContinueOnDnsError = true,
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or DnsResponseException)
        {
            return null; // no name server configured
        }
    }

    private static async Task<List<SrvRecord>?> QuerySrvAsync(LookupClient dns, string name, CancellationToken cancellation)
    {
        try
        {
            var response = await dns.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellation).ConfigureAwait(false);
            return response.HasError ? null : [.. response.Answers.SrvRecords()];
        }
        catch (Exception ex) when (ex is DnsResponseException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
        {
            return null;
        }
    }

    private static bool IsNoService(List<SrvRecord>? records)
        => records is { Count: 1 } && records[0].Target.Value is "." or "";

    /// <summary>RFC 2782 within each priority: a weighted random order (weight 0 entries last).</summary>
    private static void Add(List<(int, int, RemoteTarget)> targets, List<SrvRecord>? records, bool directTls)
    {
        if (records is null || IsNoService(records))
        {
            return;
        }

        foreach (var group in records.GroupBy(static r => r.Priority))
        {
            var pool = group.ToList();
            var order = directTls ? 0 : 1;
            while (pool.Count > 0)
            {
                var total = pool.Sum(static r => r.Weight + 1);
                var pick = Random.Shared.Next(total);
                var chosen = pool[^1];
                foreach (var record in pool)
                {
                    pick -= record.Weight + 1;
                    if (pick < 0)
                    {
                        chosen = record;
                        break;
                    }
                }

                pool.Remove(chosen);
                targets.Add((chosen.Priority, order, new RemoteTarget(chosen.Target.Value.TrimEnd('.'), chosen.Port, directTls)));
                order += 2;
            }
        }
    }
}
