using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

internal static class Accounts
{
    /// <summary>A record whose every field is derived from <paramref name="seed"/>, so a reader can check it is intact.</summary>
    public static AccountRecord Make(int seed)
    {
        var record = new AccountRecord { Iterations = 4096 + seed, SaltLength = 16, CreatedUnixMs = 1_700_000_000_000 + seed };
        for (var i = 0; i < 16; i++)
            record.Salt[i] = (byte)(seed + i);
        for (var i = 0; i < 20; i++)
        {
            record.Sha1StoredKey[i] = (byte)(seed * 3 + i);
            record.Sha1ServerKey[i] = (byte)(seed * 5 + i);
        }
        for (var i = 0; i < 32; i++)
        {
            record.Sha256StoredKey[i] = (byte)(seed * 7 + i);
            record.Sha256ServerKey[i] = (byte)(seed * 11 + i);
        }
        return record;
    }

    public static bool AreEqual(AccountRecord a, AccountRecord b) =>
        a.Iterations == b.Iterations && a.SaltLength == b.SaltLength && a.CreatedUnixMs == b.CreatedUnixMs
        && ((ReadOnlySpan<byte>)a.Salt).SequenceEqual(b.Salt)
        && ((ReadOnlySpan<byte>)a.Sha1StoredKey).SequenceEqual(b.Sha1StoredKey)
        && ((ReadOnlySpan<byte>)a.Sha1ServerKey).SequenceEqual(b.Sha1ServerKey)
        && ((ReadOnlySpan<byte>)a.Sha256StoredKey).SequenceEqual(b.Sha256StoredKey)
        && ((ReadOnlySpan<byte>)a.Sha256ServerKey).SequenceEqual(b.Sha256ServerKey);
}
