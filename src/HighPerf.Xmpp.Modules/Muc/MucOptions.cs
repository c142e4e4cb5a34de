namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>The multi-user chat service (XEP-0045): where it lives and the defaults of new rooms.</summary>
public sealed record MucOptions
{
    /// <summary>The service's domain; null: "conference." + the server's first domain.</summary>
    public string? Domain { get; init; }

    /// <summary>Name of the service identity (category conference, type text).</summary>
    public string Name { get; init; } = "Chatrooms";

    /// <summary>Any local user may create rooms by joining them; false: only <see cref="Admins"/>.</summary>
    public bool AllowRoomCreation { get; init; } = true;

    /// <summary>Bare JIDs that may create rooms when <see cref="AllowRoomCreation"/> is off, and own every room.</summary>
    public IReadOnlyList<string> Admins { get; init; } = [];

    /// <summary>Discussion history kept per room unless its configuration says otherwise.</summary>
    public int DefaultHistoryLength { get; init; } = 20;

    /// <summary>The largest history an owner may configure.</summary>
    public int MaxHistoryLength { get; init; } = 200;

    /// <summary>Occupants per room unless its configuration says otherwise (0: no limit).</summary>
    public int DefaultMaxUsers { get; init; } = 200;

    /// <summary>The largest occupant limit an owner may configure (0: no limit).</summary>
    public int MaxUsersLimit { get; init; } = 10_000;
}
