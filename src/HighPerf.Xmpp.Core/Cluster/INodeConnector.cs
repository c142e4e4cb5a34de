namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>The transport side of node links: opens a link's connection (its address from <see cref="NodeLinks.AddressOf"/>).</summary>
public interface INodeConnector
{
    /// <summary>Connects for <paramref name="attempt"/> and reports back through <see cref="NodeLink.Attach"/> or
    /// <see cref="NodeLink.OnConnectFailed"/>.</summary>
    void Connect(NodeLink link, long attempt);
}
