namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.muc: the XEP-0045 multi-user chat service (module "muc").</summary>
public sealed class MucConfig
{
    /// <summary>The service's domain; null or empty: "conference." + the first served domain.</summary>
    public string? Domain { get; set; }

    /// <summary>Name of the service in service discovery.</summary>
    public string Name { get; set; } = "Chatrooms";

    /// <summary>Any local user may create a room by joining it; false: only the service admins.</summary>
    public bool AllowRoomCreation { get; set; } = true;

    /// <summary>Bare JIDs that own every room and may always create rooms.</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>Messages of discussion history a new room keeps.</summary>
    public int DefaultHistoryLength { get; set; } = 20;

    /// <summary>The largest history an owner may configure.</summary>
    public int MaxHistoryLength { get; set; } = 200;

    /// <summary>Occupant limit of a new room (0: none).</summary>
    public int DefaultMaxUsers { get; set; } = 200;

    /// <summary>The largest occupant limit an owner may configure (0: none).</summary>
    public int MaxUsersLimit { get; set; } = 10_000;
}
