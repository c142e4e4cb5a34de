using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// The outcome of one roster item change: the item before and after (null when absent or removed), and a
/// task that completes when the change is durable with the roster's new version.
/// </summary>
internal readonly record struct RosterChange(RosterItemRecord? Before, RosterItemRecord? After, ValueTask<long> Durable)
{
    public bool Changed => !ReferenceEquals(Before, After);

    public static RosterChange Unchanged(RosterItemRecord? item) => new(item, item, ValueTask.FromResult(0L));
}
