using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>An authenticated outbound node-link connection as <see cref="NodeLink"/> sees it: frames in, batched
/// out by the transport (one flush per drain).</summary>
public interface INodeLinkConnection
{
    /// <summary>Thread-safe. Queues one frame; false when the connection is closing or its queue is over its bound.</summary>
    bool Enqueue(scoped in OutboundParts frame);

    /// <summary>Thread-safe. Ends the connection (its link fails what it still holds).</summary>
    void Close(string reason);
}
