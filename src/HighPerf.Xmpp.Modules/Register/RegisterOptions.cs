namespace HighPerf.Xmpp.Modules.Register;

/// <summary>XEP-0077 settings (the module itself is off unless enabled in the configuration).</summary>
public sealed record RegisterOptions
{
    /// <summary>New accounts may be created in-band. Off: only password changes and cancellation.</summary>
    public bool AllowRegistration { get; init; } = true;

    /// <summary>Registration attempts (iq sets before authentication) allowed per client address per <see cref="Window"/>.</summary>
    public int MaxAttemptsPerAddress { get; init; } = 5;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Shortest password accepted, in characters.</summary>
    public int MinPasswordLength { get; init; } = 8;

    /// <summary>PBKDF2 iterations for the SCRAM credentials derived from a new password.</summary>
    public int ScramIterations { get; init; } = 4096;

    public string Instructions { get; init; } = "Choose a username and password to register with this server.";
}
