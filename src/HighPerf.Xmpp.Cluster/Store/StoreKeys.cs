using System.Text;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// Key layout: <c>{prefix}{{user}}:{kind}</c>. The user's bare JID sits in a hash tag, so that on a sharded engine
/// (Redis Cluster, Garnet cluster mode) every record of one user lands on one shard and the Lua scripts that touch
/// two of them stay single-shard. A normalized JID holds no '{' or '}' (RFC 7622 forbids neither, but the tag ends at
/// the first '}', and a '}' in a localpart only moves that user's records to another shard: still correct).
/// </summary>
internal sealed class StoreKeys
{
    /// <summary>RFC 7622 allows 1023 bytes each for localpart and domainpart, plus the '@' (as the FASTER store).</summary>
    public const int MaxUserBytes = 2047;

    /// <summary>A contact JID or a document key (namespace).</summary>
    public const int MaxSuffixBytes = 3071;

    private readonly byte[] _prefix;

    public StoreKeys(string prefix) => _prefix = Encoding.UTF8.GetBytes(prefix);

    public static ReadOnlySpan<byte> Account => "acct"u8;

    public static ReadOnlySpan<byte> Roster => "roster"u8;

    public static ReadOnlySpan<byte> RosterVersion => "rver"u8;

    public static ReadOnlySpan<byte> Offline => "offline"u8;

    public static ReadOnlySpan<byte> OfflineSequence => "oseq"u8;

    public static ReadOnlySpan<byte> Documents => "data"u8;

    /// <summary>The key of one record kind of <paramref name="user"/> (allocates the key: store calls are not per stanza).</summary>
    public byte[] For(ReadOnlySpan<byte> user, ReadOnlySpan<byte> kind)
    {
        var key = new byte[_prefix.Length + user.Length + 3 + kind.Length];
        _prefix.CopyTo(key, 0);
        var at = _prefix.Length;
        key[at++] = (byte)'{';
        user.CopyTo(key.AsSpan(at));
        at += user.Length;
        key[at++] = (byte)'}';
        key[at++] = (byte)':';
        kind.CopyTo(key.AsSpan(at));
        return key;
    }

    public static bool IsValidUser(ReadOnlySpan<byte> user) => user.Length is > 0 and <= MaxUserBytes;

    public static void ValidateUser(ReadOnlySpan<byte> user)
    {
        if (!IsValidUser(user))
        {
            throw new ArgumentException($"Must be 1 to {MaxUserBytes} bytes.", nameof(user));
        }
    }

    public static void ValidateSuffix(ReadOnlySpan<byte> suffix, string name)
    {
        if (suffix.Length is 0 or > MaxSuffixBytes)
        {
            throw new ArgumentException($"Must be 1 to {MaxSuffixBytes} bytes.", name);
        }
    }
}
