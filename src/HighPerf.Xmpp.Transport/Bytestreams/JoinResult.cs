namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>What happened when a connection asked for a destination address.</summary>
internal enum JoinResult : byte
{
    Joined,

    /// <summary>Two connections hold that address already.</summary>
    Taken,

    /// <summary>The relay holds its maximum of bytestreams.</summary>
    Full,
}
