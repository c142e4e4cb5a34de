namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>Server-to-server federation (RFC 6120 s2s, XEP-0220 dialback, SASL EXTERNAL). Off by default.</summary>
public sealed class FederationConfig
{
    public bool Enabled { get; set; }

    /// <summary>s2s listeners with STARTTLS (host:port); 5269 is the registered port.</summary>
    public List<string> Listen { get; set; } = ["127.0.0.1:5269"];

    /// <summary>s2s listeners speaking TLS from the first byte (XEP-0368, advertised as _xmpps-server._tcp).</summary>
    public List<string> ListenDirectTls { get; set; } = [];

    /// <summary>TLS on every s2s stream, both directions (RFC 7590).</summary>
    public bool RequireTls { get; set; } = true;

    /// <summary>Peers must present a certificate valid for their domain (SASL EXTERNAL only, and outbound
    /// connections to a peer whose certificate does not verify fail).</summary>
    public bool RequireValidCertificates { get; set; }

    /// <summary>Offer and use Server Dialback (XEP-0220) with peers whose certificates do not verify.</summary>
    public bool AllowDialback { get; set; } = true;

    /// <summary>Secret the dialback keys are derived from (XEP-0185); null: a random one per start. Give all nodes
    /// serving a domain the same secret.</summary>
    public string? DialbackSecret { get; set; }

    /// <summary>PEM files of CAs trusted for peer certificates beside the system trust store.</summary>
    public List<string> ExtraCaFiles { get; set; } = [];

    /// <summary>Static routes: domain → "host:port" (STARTTLS) or "tls:host:port" (direct TLS), used instead of DNS.</summary>
    public Dictionary<string, string> Routes { get; set; } = [];

    /// <summary>Seconds without a stanza either way after which an s2s stream is closed.</summary>
    public int IdleTimeoutSeconds { get; set; } = 600;

    /// <summary>Seconds an outbound connection may take to be authenticated before its queued stanzas bounce
    /// with remote-server-timeout.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>Bytes of stanzas queued per remote domain while its connection is set up.</summary>
    public int QueueBytesPerDomain { get; set; } = 1024 * 1024;

    /// <summary>Authenticated inbound streams at once from one remote domain.</summary>
    public int MaxInboundStreamsPerDomain { get; set; } = 8;
}
