namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>Limits of the "pep" module (modules.pep).</summary>
public sealed class PepOptions
{
    /// <summary>Most items a node keeps (pubsub#max_items "max").</summary>
    public int MaxItemsPerNode { get; init; } = 1000;

    /// <summary>Most nodes one account may have.</summary>
    public int MaxNodesPerAccount { get; init; } = 256;

    /// <summary>Largest item payload, in bytes.</summary>
    public int MaxItemBytes { get; init; } = 256 * 1024;

    /// <summary>Most caps hashes whose verified features are kept.</summary>
    public int MaxCapsHashes { get; init; } = 10_000;

    /// <summary>Most caps disco#info queries waiting for an answer, over the whole server.</summary>
    public int MaxPendingCapsQueries { get; init; } = 1000;

    /// <summary>Most caps disco#info queries waiting for an answer from the sessions of one account.</summary>
    public int MaxPendingCapsQueriesPerAccount { get; init; } = 4;

    /// <summary>Seconds a caps query waits for its answer; after that a later presence with the hash asks again.</summary>
    public int CapsQueryTimeoutSeconds { get; init; } = 30;
}
