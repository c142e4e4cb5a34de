namespace HighPerf.Xmpp.Modules.Version;

/// <summary>What XEP-0092 reports. The operating system is left out unless asked for (XEP-0092 §5: it helps attackers).</summary>
public sealed record VersionOptions
{
    public string Name { get; init; } = "HighPerf XMPP";

    /// <summary>Null: the server assembly's informational version.</summary>
    public string? Version { get; init; }

    public bool ShowOperatingSystem { get; init; }
}
