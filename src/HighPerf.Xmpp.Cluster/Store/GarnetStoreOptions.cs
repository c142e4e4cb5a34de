namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>Where the cluster's shared store runs and how its records are named.</summary>
public sealed record GarnetStoreOptions
{
    /// <summary>host:port of the Garnet (or other RESP) server(s).</summary>
    public required IReadOnlyList<string> Endpoints { get; init; }

    /// <summary>Prefix of every key, so that one engine can hold several deployments (and tests) apart.</summary>
    public string KeyPrefix { get; init; } = "hpx:";

    /// <summary>Password of the engine's default user (AUTH); null when it has none.</summary>
    public string? Password { get; init; }

    /// <summary>Cap on stored offline messages per user (XEP-0160); beyond it appends return Full.</summary>
    public int OfflineMessagesPerUser { get; init; } = 1000;

    /// <summary>Largest value one record may hold (an offline stanza, a vCard, a private XML document).</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>How long connecting (and each synchronous call) may take before it fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
