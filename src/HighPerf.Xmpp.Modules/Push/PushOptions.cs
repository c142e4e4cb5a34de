namespace HighPerf.Xmpp.Modules.Push;

/// <summary>XEP-0357 settings (modules.push).</summary>
public sealed record PushOptions
{
    /// <summary>Put the message body into the summary (off: app servers, e.g. Google/Apple relays, see no content).</summary>
    public bool IncludeBody { get; init; }

    /// <summary>Push registrations (app server + node) one account may keep.</summary>
    public int MaxRegistrationsPerAccount { get; init; } = 8;
}
