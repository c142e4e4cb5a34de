namespace HighPerf.Xmpp.Core.Cluster;

public sealed record NodeLinkOptions
{
    /// <summary>The shared secret every node of the cluster authenticates its links with (HMAC-SHA256).</summary>
    public required byte[] Secret { get; init; }

    /// <summary>Bytes of frames one link holds until acknowledged; past it a stanza is handled as undeliverable.</summary>
    public int HeldBytesPerNode { get; init; } = 16 * 1024 * 1024;

    /// <summary>Longest wait for a link's connection to authenticate.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
