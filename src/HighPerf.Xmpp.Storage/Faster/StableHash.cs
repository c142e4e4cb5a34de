namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// FNV-1a, 64-bit: stable across processes and runtime versions (unlike string.GetHashCode), because bucket
/// numbers derived from it are persisted in roster index records.
/// </summary>
internal static class StableHash
{
    public static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
