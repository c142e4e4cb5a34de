namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.pep: XEP-0163 personal eventing (the "pep" module, on by default) and its XEP-0115 caps cache.</summary>
public sealed class PepConfig
{
    /// <summary>Most items a node keeps; also what pubsub#max_items "max" means.</summary>
    public int MaxItemsPerNode { get; set; } = 1000;

    /// <summary>Most nodes one account may have.</summary>
    public int MaxNodesPerAccount { get; set; } = 256;

    /// <summary>Largest item payload, in bytes; null: 256 KiB, or limits.maxStanzaBytes when that is smaller (a server
    /// with a small stanza limit starts without having to lower this too).</summary>
    public int? MaxItemBytes { get; set; }

    /// <summary>The item bound when <see cref="MaxItemBytes"/> is not set.</summary>
    public const int DefaultMaxItemBytes = 256 * 1024;

    /// <summary>Most caps hashes whose verified features are kept in memory.</summary>
    public int MaxCapsHashes { get; set; } = 10_000;

    /// <summary>Most caps disco#info queries waiting for an answer, over the whole server.</summary>
    public int MaxPendingCapsQueries { get; set; } = 1000;

    /// <summary>Most caps disco#info queries waiting for an answer from the sessions of one account.</summary>
    public int MaxPendingCapsQueriesPerAccount { get; set; } = 4;

    /// <summary>Seconds a caps query waits for its answer; after that a later presence with the hash asks again.</summary>
    public int CapsQueryTimeoutSeconds { get; set; } = 30;
}
