namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.version: the XEP-0092 answer.</summary>
public sealed class VersionConfig
{
    public string Name { get; set; } = "HighPerf XMPP";

    /// <summary>Null: the build's version.</summary>
    public string? Version { get; set; }

    /// <summary>Also report the operating system (off: it helps attackers pick exploits).</summary>
    public bool ShowOperatingSystem { get; set; }
}
