namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// The store folder holds data that cannot be recovered (missing, truncated or damaged files). Thrown instead of
/// starting with an empty store, so that no acknowledged data is silently dropped.
/// </summary>
public sealed class StoreCorruptException : IOException
{
    public StoreCorruptException()
    {
    }

    public StoreCorruptException(string message)
        : base(message)
    {
    }

    public StoreCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The store folder that failed to open.</summary>
    public string? Directory { get; init; }
}
