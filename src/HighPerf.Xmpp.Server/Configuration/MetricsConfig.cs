namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>The Prometheus endpoint. Off by default; dotnet-counters sees the "HighPerf.Xmpp" meter either way.</summary>
public sealed class MetricsConfig
{
    /// <summary>Serve <c>GET /metrics</c> (Prometheus text format) on <see cref="Listen"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>address:port of the endpoint; loopback by default (the figures are not for the public).</summary>
    public string Listen { get; set; } = "127.0.0.1:9464";
}
