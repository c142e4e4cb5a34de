namespace HighPerf.Xmpp.Modules.Bytestreams;

/// <summary>The XEP-0065 proxy's XMPP side: its address and name.</summary>
public sealed record ProxyOptions
{
    /// <summary>The proxy's domain; null: "proxy." + the server's first domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Name of the service identity (category proxy, type bytestreams).</summary>
    public string Name { get; init; } = "SOCKS5 Bytestreams";
}
