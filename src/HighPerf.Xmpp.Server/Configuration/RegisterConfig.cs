namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.register: XEP-0077 in-band registration (the "register" module is off by default).</summary>
public sealed class RegisterConfig
{
    /// <summary>New accounts may be created in-band; false leaves password change and cancellation only.</summary>
    public bool AllowRegistration { get; set; } = true;

    /// <summary>Registration attempts allowed per client address per window.</summary>
    public int MaxAttemptsPerAddress { get; set; } = 5;

    public int WindowSeconds { get; set; } = 600;

    public int MinPasswordLength { get; set; } = 8;

    /// <summary>Shown to the user with the registration form.</summary>
    public string Instructions { get; set; } = "Choose a username and password to register with this server.";
}
