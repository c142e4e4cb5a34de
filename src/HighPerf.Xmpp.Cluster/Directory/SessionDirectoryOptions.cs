namespace HighPerf.Xmpp.Cluster.Directory;

public sealed record SessionDirectoryOptions
{
    /// <summary>This node's id in the directory; unique per start (a restarted node is a new incarnation, so entries
    /// its previous run left behind die with that run's heartbeat).</summary>
    public required string NodeId { get; init; }

    /// <summary>Where other nodes reach this one (its node-link listener), published with the heartbeat.</summary>
    public string Address { get; init; } = "";

    /// <summary>Prefix of the directory's keys (the store's prefix: one deployment, one namespace).</summary>
    public string KeyPrefix { get; init; } = "hpx:";

    /// <summary>How often the node renews its heartbeat and checks the others'.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest time after a node's death that its sessions are still listed (its heartbeat key lives
    /// <c>Ttl - Heartbeat</c>, and the others look every <see cref="Heartbeat"/>).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(10);
}
