namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.extdisco: XEP-0215 external service discovery (module "extdisco", off by default).</summary>
public sealed class ExtDiscoConfig
{
    public List<ExternalServiceConfig> Services { get; set; } = [];
}

/// <summary>One STUN/TURN server.</summary>
public sealed class ExternalServiceConfig
{
    /// <summary>stun, stuns, turn or turns (or another registered XEP-0215 type).</summary>
    public string Type { get; set; } = "";

    public string Host { get; set; } = "";

    /// <summary>0: not announced.</summary>
    public int Port { get; set; }

    /// <summary>udp or tcp; null: not announced.</summary>
    public string? Transport { get; set; }

    public string? Name { get; set; }

    /// <summary>The TURN server's shared secret (coturn: use-auth-secret, static-auth-secret): each request gets
    /// short-lived credentials. Null: none announced.</summary>
    public string? Secret { get; set; }

    /// <summary>Seconds the issued credentials stay valid.</summary>
    public int CredentialTtlSeconds { get; set; } = 24 * 3600;
}
