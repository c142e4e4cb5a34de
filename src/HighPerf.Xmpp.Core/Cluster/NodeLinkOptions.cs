namespace HighPerf.Xmpp.Core.Cluster;

public sealed record NodeLinkOptions
{
    /// <summary>The shared secret every node of the cluster authenticates its links with (HMAC-SHA256).</summary>
    public required byte[] Secret { get; init; }

    /// <summary>Bytes of frames one link holds until acknowledged; past it a stanza is handled as undeliverable.</summary>
    public int HeldBytesPerNode { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Longest wait for a link's connection to authenticate (lookup, connect, TLS handshake, HMAC handshake). Ample:
    /// a process's first TLS handshake also loads the TLS stack, and on a loaded machine that takes seconds; a node
    /// that refuses or fails the handshake is known at once anyway.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
