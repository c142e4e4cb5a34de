namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>How <see cref="SaslServer"/> answers for accounts that do not exist.</summary>
public sealed class SaslServerOptions
{
    public static SaslServerOptions Default { get; } = new();

    /// <summary>Iteration count announced for unknown users; set it to what real accounts use so the two look alike.</summary>
    public int UnknownUserIterations { get; init; } = ScramCredentials.DefaultIterations;

    /// <summary>
    /// Key for the fake salts of unknown users (HMAC of the user name). Empty means a random key per process;
    /// a key kept in the data folder makes fake salts as stable across restarts as real ones.
    /// </summary>
    public ReadOnlyMemory<byte> UnknownUserSecret { get; init; }
}
