using System.Globalization;
using System.Net;

namespace HighPerf.LoadGen;

/// <summary>Command-line arguments (<c>--name value</c>); see README.md for their meaning.</summary>
internal sealed class Options
{
    public string Scenario { get; private set; } = "idle";
    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; } = 5222;
    public string Domain { get; private set; } = "localhost";
    public int Users { get; private set; } = 100;
    public int FirstUser { get; private set; } = 1;
    public string UserPrefix { get; private set; } = "user";
    public string Password { get; private set; } = "password";
    public bool Tls { get; private set; }
    /// <summary>STARTTLS: the only TLS version offered ("1.2" or "1.3"); null: the system's choice (1.3 where both sides have it).</summary>
    public string? TlsVersion { get; private set; }
    public string Mechanism { get; private set; } = "PLAIN";
    /// <summary>Chat: messages per second per session.</summary>
    public double Rate { get; private set; } = 1;
    public double DurationSeconds { get; private set; } = 30;
    /// <summary>New sessions started per second while logging in (0: as fast as the concurrency allows).</summary>
    public double Ramp { get; private set; } = 1000;
    /// <summary>Logins in flight at once.</summary>
    public int Concurrency { get; private set; } = 200;
    /// <summary>Source addresses 127.0.0.(2..) used round-robin; 0: one per 20,000 sessions.</summary>
    public int Sources { get; private set; }
    public int ServerPid { get; private set; }

    /// <summary>Every server process measured (--server-pid A,B,C: a cluster's nodes); CPU is summed over them, memory is the first's.</summary>
    public int[] ServerPids { get; private set; } = [];

    /// <summary>Where sessions log in (--endpoints; default --host:--port): session i at endpoint i mod N.</summary>
    public IPEndPoint[] Endpoints { get; private set; } = [];

    /// <summary>chat: fraction of messages sent to a session on another node (negative: any other session, uniformly).</summary>
    public double CrossNode { get; private set; } = -1;

    /// <summary>The nodes' Prometheus endpoints (--metrics), scraped around the window for the link counters.</summary>
    public IPEndPoint[] MetricsEndpoints { get; private set; } = [];
    /// <summary>The server's allocation stats file (HIGHPERF_XMPP_STATS_FILE), if it writes one.</summary>
    public string? ServerStats { get; private set; }
    public string Label { get; private set; } = "";
    /// <summary>roster-presence: contacts per roster expected to be provisioned.</summary>
    public int Contacts { get; private set; } = 10;
    public double LoginTimeoutSeconds { get; private set; } = 60;
    public double DrainSeconds { get; private set; } = 10;
    /// <summary>muc: rooms the sessions are spread over (session i joins room i % rooms).</summary>
    public int Rooms { get; private set; } = 10;
    /// <summary>muc: the MUC service's domain; empty: "conference." + --domain.</summary>
    public string MucDomain { get; private set; } = "";
    /// <summary>detached: chat messages queued for each detached session (they wait unacknowledged).</summary>
    public int Messages { get; private set; }

    /// <summary>s2s-chat: the receivers' server (another domain, federated with --host's).</summary>
    public string PeerHost { get; private set; } = "";
    public int PeerPort { get; private set; } = 5222;
    public string PeerDomain { get; private set; } = "";
    public string PeerMechanism { get; private set; } = "";
    public bool PeerTls { get; private set; }
    public string PeerUserPrefix { get; private set; } = "";
    public int PeerPid { get; private set; }

    public string MucService => MucDomain.Length > 0 ? MucDomain : "conference." + Domain;

    public IPAddress HostAddress => IPAddress.Parse(Host);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        string? endpoints = null, metrics = null, pids = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                options.Scenario = name;
                continue;
            }

            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Real() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--scenario": options.Scenario = Next(); break;
                case "--host": options.Host = Next(); break;
                case "--port": options.Port = Int(); break;
                case "--domain": options.Domain = Next(); break;
                case "--users": options.Users = Int(); break;
                case "--first-user": options.FirstUser = Int(); break;
                case "--user-prefix": options.UserPrefix = Next(); break;
                case "--password": options.Password = Next(); break;
                case "--tls": options.Tls = true; break;
                case "--tls-version": options.TlsVersion = Next(); break;
                case "--mechanism": options.Mechanism = Next().ToUpperInvariant(); break;
                case "--rate": options.Rate = Real(); break;
                case "--duration": options.DurationSeconds = Real(); break;
                case "--ramp": options.Ramp = Real(); break;
                case "--concurrency": options.Concurrency = Int(); break;
                case "--sources": options.Sources = Int(); break;
                case "--server-pid": pids = Next(); break;
                case "--endpoints": endpoints = Next(); break;
                case "--cross-node": options.CrossNode = Real(); break;
                case "--metrics": metrics = Next(); break;
                case "--server-stats": options.ServerStats = Next(); break;
                case "--label": options.Label = Next(); break;
                case "--contacts": options.Contacts = Int(); break;
                case "--login-timeout": options.LoginTimeoutSeconds = Real(); break;
                case "--drain": options.DrainSeconds = Real(); break;
                case "--rooms": options.Rooms = Int(); break;
                case "--muc-domain": options.MucDomain = Next(); break;
                case "--messages": options.Messages = Int(); break;
                case "--peer-host": options.PeerHost = Next(); break;
                case "--peer-port": options.PeerPort = Int(); break;
                case "--peer-domain": options.PeerDomain = Next(); break;
                case "--peer-mechanism": options.PeerMechanism = Next().ToUpperInvariant(); break;
                case "--peer-tls": options.PeerTls = true; break;
                case "--peer-user-prefix": options.PeerUserPrefix = Next(); break;
                case "--peer-pid": options.PeerPid = Int(); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (options.Mechanism is not ("PLAIN" or "SCRAM-SHA-1" or "SCRAM-SHA-256") || options.PeerMechanism is not ("" or "PLAIN" or "SCRAM-SHA-1" or "SCRAM-SHA-256"))
        {
            throw new ArgumentException("--mechanism and --peer-mechanism are PLAIN, SCRAM-SHA-1 or SCRAM-SHA-256");
        }

        if (options.TlsVersion is not (null or "1.2" or "1.3"))
        {
            throw new ArgumentException("--tls-version is 1.2 or 1.3");
        }

        options.Endpoints = endpoints is null ? [new IPEndPoint(options.HostAddress, options.Port)] : NodePlacement.ParseEndpoints(endpoints, options.Host);
        options.MetricsEndpoints = metrics is null ? [] : NodePlacement.ParseEndpoints(metrics, options.Host);
        options.ServerPids = pids is null ? [] : [.. pids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        options.ServerPid = options.ServerPids.FirstOrDefault();
        if (options.CrossNode > 1 || double.IsNaN(options.CrossNode))
        {
            throw new ArgumentException("--cross-node is a fraction from 0 to 1 (negative: uniform over all sessions)");
        }

        if (options.Sources <= 0)
        {
            options.Sources = Math.Clamp((options.Users + 19_999) / 20_000, 1, 250);
        }

        return options;
    }

    /// <summary>s2s-chat: the options the receivers log in with (the peer server's address, domain, mechanism, TLS).</summary>
    public Options ForPeer()
    {
        if (PeerHost.Length == 0 || PeerDomain.Length == 0)
        {
            throw new ArgumentException("s2s-chat needs --peer-host and --peer-domain");
        }

        var peer = (Options)MemberwiseClone();
        peer.Host = PeerHost;
        peer.Port = PeerPort;
        peer.Domain = PeerDomain;
        peer.Mechanism = PeerMechanism.Length > 0 ? PeerMechanism : Mechanism;
        peer.Tls = PeerTls || Tls;
        peer.UserPrefix = PeerUserPrefix.Length > 0 ? PeerUserPrefix : UserPrefix;
        peer.Endpoints = [new IPEndPoint(peer.HostAddress, peer.Port)];
        return peer;
    }

    /// <summary>The endpoint session <paramref name="index"/> logs in at (<see cref="NodePlacement"/>).</summary>
    public IPEndPoint EndpointOf(int index) => Endpoints[NodePlacement.NodeOf(index, Endpoints.Length)];

    public string UserName(int index) => string.Create(CultureInfo.InvariantCulture, $"{UserPrefix}{FirstUser + index}");

    /// <summary>Source address for session <paramref name="index"/>: 127.0.0.2, .3, … (the server listens on .1).</summary>
    public IPAddress SourceAddress(int index) => new([127, 0, 0, (byte)(2 + (index % Sources))]);
}
