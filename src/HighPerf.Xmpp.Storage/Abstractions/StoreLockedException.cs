namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>The store folder is already open, by another process or by another store instance in this one.</summary>
public sealed class StoreLockedException : IOException
{
    public StoreLockedException()
    {
    }

    public StoreLockedException(string message)
        : base(message)
    {
    }

    public StoreLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The store folder that could not be locked.</summary>
    public string? Directory { get; init; }
}
