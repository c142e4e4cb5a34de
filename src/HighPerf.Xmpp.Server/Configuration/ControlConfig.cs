namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>The admin control channel: a Unix domain socket (mode 0600) that the CLI's admin commands talk to.</summary>
public sealed class ControlConfig
{
    public bool Enabled { get; set; } = true;

    /// <summary>Socket path; null: control.sock in the data folder.</summary>
    public string? Socket { get; set; }
}
