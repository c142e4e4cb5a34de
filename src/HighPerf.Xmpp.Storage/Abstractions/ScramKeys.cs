using System.Runtime.CompilerServices;

namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>Room for one SCRAM key (up to SHA-512 size).</summary>
[InlineArray(64)]
public struct ScramKeyBuffer
{
    private byte _element0;
}

/// <summary>Room for a salt (RFC 5802 leaves its size open; we store up to 32 bytes).</summary>
[InlineArray(32)]
public struct SaltBuffer
{
    private byte _element0;
}
