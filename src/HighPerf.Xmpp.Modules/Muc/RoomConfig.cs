namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Who may send private messages to occupants (muc#roomconfig_allowpm).</summary>
internal enum PrivateMessagePolicy : byte
{
    Anyone,
    Participants,
    Moderators,
    None,
}

/// <summary>
/// A room's muc#roomconfig settings (XEP-0045 §10.2). Immutable: a configuration change swaps the room's
/// instance under the room lock, so readers on other threads always see a consistent set.
/// </summary>
internal sealed record RoomConfig
{
    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    public bool Persistent { get; init; }

    public bool Public { get; init; } = true;

    public bool MembersOnly { get; init; }

    public bool Moderated { get; init; }

    /// <summary>Empty: no password.</summary>
    public string Password { get; init; } = "";

    /// <summary>0: no limit.</summary>
    public int MaxUsers { get; init; }

    /// <summary>Real JIDs are shown to every occupant (whois=anyone); else to moderators only (semi-anonymous).</summary>
    public bool NonAnonymous { get; init; }

    public int HistoryLength { get; init; }

    public bool ChangeSubject { get; init; }

    public bool AllowInvites { get; init; }

    public PrivateMessagePolicy AllowPrivateMessages { get; init; } = PrivateMessagePolicy.Anyone;

    public bool PasswordProtected => Password.Length > 0;

    public static RoomConfig Defaults(MucOptions options) => new()
    {
        MaxUsers = options.DefaultMaxUsers,
        HistoryLength = options.DefaultHistoryLength,
    };
}
