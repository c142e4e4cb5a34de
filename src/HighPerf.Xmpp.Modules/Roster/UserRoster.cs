using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// An online user's roster in memory (RFC 6121 §2), loaded at the first bind and dropped with the last
/// session, plus which of the user's presence subscribers are available right now, so that a presence
/// broadcast costs one delivery per available subscriber and nothing per offline contact. Guarded by the
/// owner's <see cref="LocalUser.Gate"/>. An empty roster and an empty watcher set cost no collection object beyond
/// the (bucket-less) dictionary: the watcher set exists only while it has members, and the items are walked through a
/// struct view instead of the dictionary's cached value collection.
/// </summary>
internal sealed partial class UserRoster
{
    private static readonly HashSet<LocalUser> NoWatchers = [];
    private readonly Dictionary<byte[], RosterItemRecord> _items;
    private HashSet<LocalUser>? _watchers;

    private UserRoster(Dictionary<byte[], RosterItemRecord> items, long version)
    {
        _items = items;
        Version = version;
        ByJid = _items.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Items by contact bare JID (including requests not yet in the roster: <see cref="RosterItems.IsListed"/>).</summary>
    public ItemView Items => new(_items);

    public Dictionary<byte[], RosterItemRecord>.AlternateLookup<ReadOnlySpan<byte>> ByJid { get; }

    public long Version { get; set; }

    /// <summary>Local contacts subscribed to this user's presence ('from'/'both') that have an available resource.</summary>
    public WatcherView AvailableWatchers => new(_watchers ?? NoWatchers);

    public void AddWatcher(LocalUser watcher) => (_watchers ??= []).Add(watcher);

    public void RemoveWatcher(LocalUser watcher)
    {
        if (_watchers is { } watchers && watchers.Remove(watcher) && watchers.Count == 0)
        {
            _watchers = null;
        }
    }

    public void ClearWatchers() => _watchers = null;

    public static UserRoster Load(IRosterStore store, ReadOnlySpan<byte> owner)
    {
        var items = new Dictionary<byte[], RosterItemRecord>(Utf8KeyComparer.Instance);
        foreach (var item in store.GetAll(owner))
        {
            items[item.Jid] = item;
        }

        return new UserRoster(items, store.GetVersion(owner));
    }

    public RosterItemRecord? Find(ReadOnlySpan<byte> contact) => ByJid.TryGetValue(contact, out var item) ? item : null;

    public void Put(RosterItemRecord item) => _items[item.Jid] = item;

    public void Remove(ReadOnlySpan<byte> contact) => ByJid.Remove(contact);

    /// <summary>The roster of an online user, or null when the user is not online here.</summary>
    public static UserRoster? Of(LocalUser? user) => user?.ImState as UserRoster;
}
