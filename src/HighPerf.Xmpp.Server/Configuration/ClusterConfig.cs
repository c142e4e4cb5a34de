namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>
/// Scale-out (several nodes serving one domain): the shared store is a Garnet (RESP) engine instead of the embedded
/// FASTER store. Off by default: one node, embedded FASTER, no other process.
/// </summary>
public sealed class ClusterConfig
{
    public bool Enabled { get; set; }

    /// <summary>host:port of the Garnet engine (run with --aof --aof-commit-wait --lua --recover, see the README).</summary>
    public List<string> Endpoints { get; set; } = ["127.0.0.1:6379"];

    /// <summary>Prefix of every key in the engine (deployments sharing one engine use different prefixes).</summary>
    public string KeyPrefix { get; set; } = "hpx:";

    /// <summary>The engine's password (AUTH); null when it has none.</summary>
    public string? Password { get; set; }

    /// <summary>This node's name in the session directory (a random suffix per start is added); null: the host name.</summary>
    public string? NodeId { get; set; }

    /// <summary>Seconds between a node's heartbeats (and its checks of the others').</summary>
    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>Longest time a dead node's sessions stay listed in the session directory.</summary>
    public int SessionTtlSeconds { get; set; } = 10;

    /// <summary>The secret every node shares to authenticate its node links (HMAC-SHA256, at least 16 characters); null:
    /// no node links, and a user online only on another node is treated as offline.</summary>
    public string? Secret { get; set; }

    /// <summary>TLS 1.3 on the node links (both directions), pinned to <see cref="Certificate"/>; false: plain links,
    /// only for a private network (benchmarks), the HMAC handshake still authenticating the nodes.</summary>
    public bool Tls { get; set; } = true;

    /// <summary>PEM file of the certificate every node shares for its links (each node presents it and accepts only
    /// a peer presenting the same one); required with <see cref="Secret"/> and <see cref="Tls"/>.</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM file of <see cref="Certificate"/>'s private key (the same on every node).</summary>
    public string? Key { get; set; }

    /// <summary>Where this node listens for node links (host:port; port 0 picks a free one, published in the directory).</summary>
    public string Listen { get; set; } = "127.0.0.1:0";

    /// <summary>The host:port the other nodes connect to for this node's links; null: the bound listener address.</summary>
    public string? Advertise { get; set; }

    /// <summary>Seconds a connection to the engine (or one synchronous read) may take before it fails.</summary>
    public int TimeoutSeconds { get; set; } = 5;
}
