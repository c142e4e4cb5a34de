namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// What a detached XEP-0198 session gave up while it waited for its client, because its unacknowledged bytes
/// crossed the bound: told to <see cref="ISessionObserver.OnResumed"/> so modules can make up for it.
/// </summary>
[Flags]
public enum ResumeGap : byte
{
    None = 0,

    /// <summary>Messages went to offline storage instead of waiting for the resume.</summary>
    MessagesStored = 1,

    /// <summary>Presence updates were dropped: the client's view of its contacts is stale.</summary>
    PresenceDropped = 2,
}
