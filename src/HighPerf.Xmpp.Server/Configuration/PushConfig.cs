namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.push: XEP-0357 push notifications (the "push" module, on by default).</summary>
public sealed class PushConfig
{
    /// <summary>Include the message body in the summary sent to the app server (off: sender and count only).</summary>
    public bool IncludeBody { get; set; }

    /// <summary>App server registrations one account may keep.</summary>
    public int MaxRegistrationsPerAccount { get; set; } = 8;
}
