namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.mam: XEP-0313 message archive (the "mam" module, on by default).</summary>
public sealed class MamConfig
{
    /// <summary>What is archived for users who set no preferences: "always", "roster" or "never".</summary>
    public string DefaultPreference { get; set; } = "always";

    /// <summary>Results per page when a query asks for no max.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Most results per page.</summary>
    public int MaxPageSize { get; set; } = 250;

    /// <summary>Days archived messages are kept (0: forever); older ones are forgotten and their log space reclaimed.</summary>
    public int RetentionDays { get; set; }
}
