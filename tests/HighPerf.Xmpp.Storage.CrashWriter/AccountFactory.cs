using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.CrashWriter;

/// <summary>Account records derived from a seed, so that the crash test can check every byte of what it reads back.</summary>
public static class AccountFactory
{
    public static AccountRecord Make(int seed)
    {
        var record = new AccountRecord { Iterations = 4096 + (seed & 0xFFFF), SaltLength = 16, CreatedUnixMs = 1_700_000_000_000L + seed };
        for (var i = 0; i < 16; i++)
            record.Salt[i] = (byte)(seed + i);
        for (var i = 0; i < 20; i++)
        {
            record.Sha1StoredKey[i] = (byte)((seed * 3) + i);
            record.Sha1ServerKey[i] = (byte)((seed * 5) + i);
        }
        for (var i = 0; i < 32; i++)
        {
            record.Sha256StoredKey[i] = (byte)((seed * 7) + i);
            record.Sha256ServerKey[i] = (byte)((seed * 11) + i);
        }
        return record;
    }
}
