namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Opens connections for outbound links (the transport: DNS SRV resolution or static routes, then TCP).</summary>
public interface IRemoteConnector
{
    /// <summary>Thread-safe. Resolves the link's remote domain and connects; on success the transport creates an
    /// outbound <see cref="S2sSession"/> for the link, otherwise it calls <see cref="OutboundLink.OnConnectFailed"/>.</summary>
    void Connect(OutboundLink link, long attempt);
}
