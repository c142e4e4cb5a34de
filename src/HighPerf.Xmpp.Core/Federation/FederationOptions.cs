namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Server-to-server policy and limits (the host binds them from the configuration's federation section).</summary>
public sealed record FederationOptions
{
    /// <summary>STARTTLS (or direct TLS) is required on every s2s stream, both directions (RFC 7590).</summary>
    public bool RequireTls { get; init; } = true;

    /// <summary>A peer must present a certificate that verifies for its domain (RFC 6125): inbound peers then
    /// authenticate with SASL EXTERNAL only, and outbound connections to a peer whose certificate does not verify fail.</summary>
    public bool RequireValidCertificates { get; init; }

    /// <summary>Server Dialback (XEP-0220) is offered to peers without a verifiable certificate and used towards peers
    /// that do not offer SASL EXTERNAL.</summary>
    public bool AllowDialback { get; init; } = true;

    /// <summary>Bytes of stanzas held per remote domain while its connection is set up; beyond, stanzas bounce
    /// with resource-constraint.</summary>
    public int QueueBytesPerDomain { get; init; } = 1024 * 1024;

    /// <summary>Bytes queued on an established link that does not drain before the link is closed (a peer that stops reading).</summary>
    public long OutboundQueueBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long an outbound connection may take from resolving to authenticated before its stanzas bounce
    /// with remote-server-timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An s2s stream without a stanza either way for this long is closed (the next stanza reconnects).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Authenticated inbound streams at once from one remote domain; more are refused with policy-violation.</summary>
    public int MaxInboundStreamsPerDomain { get; init; } = 8;

    /// <summary>Remote entities (full JIDs) remembered as stanza senders at once; beyond, the oldest set is forgotten.</summary>
    public int MaxRemoteEntities { get; init; } = 100_000;
}
