using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// The outcome of one durable roster item change: the item before and after (null when absent or removed) and the
/// roster's version after it (0 when nothing changed).
/// </summary>
internal readonly record struct RosterChange(RosterItemRecord? Before, RosterItemRecord? After, long Version)
{
    public bool Changed => !ReferenceEquals(Before, After);

    public static RosterChange Unchanged(RosterItemRecord? item) => new(item, item, 0);
}
