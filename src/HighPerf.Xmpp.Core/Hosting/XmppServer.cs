using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Storage.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HighPerf.Xmpp.Core.Hosting;

/// <summary>
/// The protocol server without I/O: served domains, the store, the routing table, the modules and the router.
/// One per process; transports create an <see cref="Sessions.XmppSession"/> per connection against it.
/// </summary>
public sealed class XmppServer
{
    private readonly byte[][] _domains;

    public XmppServer(XmppServerOptions options, IDataStore store, IEnumerable<IXmppModule> modules, ILoggerFactory? loggerFactory = null)
    {
        Options = options;
        Store = store;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("HighPerf.Xmpp.Core");
        _domains = new byte[options.Domains.Count][];
        for (var i = 0; i < _domains.Length; i++)
        {
            _domains[i] = NormalizeDomain(options.Domains[i]);
        }

        Metrics = new XmppMetrics();
        Metrics.ObserveStore(store);
        Routes = new RoutingTable();
        Credentials = new AccountCredentialSource(store.Accounts);
        Modules = new ModuleRegistry();
        Router = new Router(this);
        Sessions.LegacySessionHandler.Register(Modules);
        foreach (var module in modules)
        {
            Modules.BeginModule(module.Name);
            module.Register(Modules, this);
        }

        Modules.Seal();
    }

    public XmppServerOptions Options { get; }

    public IDataStore Store { get; }

    public RoutingTable Routes { get; }

    /// <summary>The server's instruments (see <see cref="XmppMetrics"/>); disposed by whoever stops the server.</summary>
    public XmppMetrics Metrics { get; }

    public ModuleRegistry Modules { get; }

    public Router Router { get; }

    /// <summary>Server-to-server federation when enabled (set once by the host before listeners start); null:
    /// other domains are answered remote-server-not-found.</summary>
    public Federation.Federation? Federation { get; set; }

    /// <summary>Sessions on the other nodes of a cluster and the links to them; null on a single node (the default).</summary>
    public Cluster.IClusterRoutes? Cluster { get; set; }

    /// <summary>Which node serves each MUC room in a cluster with node links; null on a single node (the default).</summary>
    public Cluster.IRoomPlacement? RoomPlacement { get; set; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    internal ISaslCredentialSource Credentials { get; }

    /// <summary>The first served domain (normalized).</summary>
    public ReadOnlySpan<byte> DefaultDomain => _domains[0];

    public IReadOnlyList<byte[]> Domains => _domains;

    /// <summary>True when <paramref name="domain"/> (normalized) is served here.</summary>
    public bool IsLocalDomain(ReadOnlySpan<byte> domain) => FindDomain(domain) is not null;

    /// <summary>The served domain equal to <paramref name="domain"/>, as the server's own array; null when not served.</summary>
    public byte[]? FindDomain(ReadOnlySpan<byte> domain)
    {
        foreach (var candidate in _domains)
        {
            if (candidate.AsSpan().SequenceEqual(domain))
            {
                return candidate;
            }
        }

        return null;
    }

    private static byte[] NormalizeDomain(string domain)
    {
        var input = Encoding.UTF8.GetBytes(domain);
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        var error = JidNormalizer.TryNormalize(input, buffer, out var written, out var parts);
        if (error != JidError.None || parts.HasLocal || parts.HasResource)
        {
            throw new ArgumentException($"'{domain}' is not a valid domain name for the server.", nameof(domain));
        }

        return buffer[..written].ToArray();
    }
}
