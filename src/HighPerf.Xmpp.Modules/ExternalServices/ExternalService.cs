namespace HighPerf.Xmpp.Modules.ExternalServices;

/// <summary>One STUN/TURN (or other) service announced by XEP-0215.</summary>
public sealed record ExternalService
{
    /// <summary>The registered service type: stun, stuns, turn, turns…</summary>
    public required string Type { get; init; }

    public required string Host { get; init; }

    /// <summary>0: not announced.</summary>
    public int Port { get; init; }

    /// <summary>udp or tcp; null: not announced.</summary>
    public string? Transport { get; init; }

    public string? Name { get; init; }

    /// <summary>The TURN server's shared secret (coturn's static-auth-secret): with it, each request gets
    /// short-lived credentials (the TURN REST API scheme). Null: no credentials.</summary>
    public string? Secret { get; init; }

    /// <summary>How long issued credentials stay valid.</summary>
    public TimeSpan CredentialLifetime { get; init; } = TimeSpan.FromDays(1);
}
