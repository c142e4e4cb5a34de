using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Roster;

internal sealed partial class UserRoster
{
    /// <summary>The roster's items for <c>foreach</c> and <c>Count</c>, without the dictionary's value-collection
    /// object (which it would keep for the roster's lifetime once asked for).</summary>
    public readonly struct ItemView(Dictionary<byte[], RosterItemRecord> items)
    {
        public int Count => items.Count;

        public Enumerator GetEnumerator() => new(items.GetEnumerator());

        public struct Enumerator(Dictionary<byte[], RosterItemRecord>.Enumerator inner)
        {
            private Dictionary<byte[], RosterItemRecord>.Enumerator _inner = inner;

            public readonly RosterItemRecord Current => _inner.Current.Value;

            public bool MoveNext() => _inner.MoveNext();
        }
    }

    /// <summary>The available watchers, read-only (changes go through <see cref="AddWatcher"/>,
    /// <see cref="RemoveWatcher"/> and <see cref="ClearWatchers"/>, which create and drop the set).</summary>
    public readonly struct WatcherView(HashSet<LocalUser> watchers)
    {
        public int Count => watchers.Count;

        public HashSet<LocalUser>.Enumerator GetEnumerator() => watchers.GetEnumerator();
    }
}
