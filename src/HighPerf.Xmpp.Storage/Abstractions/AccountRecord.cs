namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// What is stored per account: SCRAM salted keys for SHA-1 and SHA-256 (RFC 5802, RFC 7677), never the
/// password. Fixed size and unmanaged so a login reads it without allocating.
/// </summary>
public struct AccountRecord
{
    public int Iterations;
    public byte SaltLength;
    public SaltBuffer Salt;
    public ScramKeyBuffer Sha1StoredKey;
    public ScramKeyBuffer Sha1ServerKey;
    public ScramKeyBuffer Sha256StoredKey;
    public ScramKeyBuffer Sha256ServerKey;
    /// <summary>Unix milliseconds of the account's creation.</summary>
    public long CreatedUnixMs;
}
