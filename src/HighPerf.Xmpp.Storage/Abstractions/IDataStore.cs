namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// The server's whole persistent state, reached through narrow byte-keyed interfaces so that a clustered
/// deployment can back them with another engine.
/// </summary>
public interface IDataStore : IAsyncDisposable
{
    IAccountStore Accounts { get; }
    IRosterStore Rosters { get; }
    IOfflineStore Offline { get; }
    IUserDataStore UserData { get; }

    /// <summary>Per-user message archives (XEP-0313).</summary>
    IArchiveStore Archive { get; }

    /// <summary>Per-account publish-subscribe nodes (XEP-0163).</summary>
    IPepStore Pep { get; }

    /// <summary>Forces a commit now and completes when everything written before the call is durable.</summary>
    ValueTask CommitAsync();

    /// <summary>Commits completed so far and the time they took, for the metrics endpoint (zero where the engine
    /// does not count them).</summary>
    StoreCommitStatistics CommitStatistics => default;
}

/// <summary>Durable commits completed since the store opened, and their summed duration.</summary>
public readonly record struct StoreCommitStatistics(long Commits, double TotalSeconds);
