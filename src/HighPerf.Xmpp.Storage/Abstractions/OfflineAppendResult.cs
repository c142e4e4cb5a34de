namespace HighPerf.Xmpp.Storage.Abstractions;

public enum OfflineAppendResult : byte
{
    Stored,
    /// <summary>The user's offline queue is at its cap; nothing was stored.</summary>
    Full,
}
