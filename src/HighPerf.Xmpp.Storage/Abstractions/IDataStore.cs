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

    /// <summary>Forces a commit now and completes when everything written before the call is durable.</summary>
    ValueTask CommitAsync();
}
