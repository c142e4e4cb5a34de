using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>
/// One user's XEP-0191 blocklist in memory: normalized JIDs (domain, bare, full or domain/resource). Readers
/// take an immutable snapshot without locking (routing checks); changes are made under <see cref="Gate"/>,
/// which also orders the store writes of one user so that the last write is the last change.
/// </summary>
internal sealed class Blocklist
{
    private static readonly Snapshot EmptySnapshot = new([], new HashSet<byte[]>(Utf8KeyComparer.Instance));
    private Snapshot _current;

    private Blocklist(Snapshot snapshot) => _current = snapshot;

    /// <summary>Serializes changes (and their store writes) of this user's list.</summary>
    public Lock Gate { get; } = new();

    public int Count => Volatile.Read(ref _current).Items.Length;

    /// <summary>The items in the order they were blocked (for the blocklist get).</summary>
    public byte[][] Items => Volatile.Read(ref _current).Items;

    public static Blocklist Empty() => new(EmptySnapshot);

    /// <summary>True when a stanza from (or to) <paramref name="jid"/> (normalized, bare or full) is blocked: an item
    /// equal to the full JID, the bare JID, domain/resource or the domain matches (XEP-0191 §3.3, XEP-0016 §2.1).</summary>
    public bool Blocks(ReadOnlySpan<byte> jid)
    {
        var snapshot = Volatile.Read(ref _current);
        if (snapshot.Items.Length == 0 || jid.IsEmpty)
        {
            return false;
        }

        var lookup = snapshot.Set.GetAlternateLookup<ReadOnlySpan<byte>>();
        var parts = JidParts.OfNormalized(jid);
        if (lookup.Contains(jid) || (parts.HasResource && lookup.Contains(parts.Bare(jid))) || lookup.Contains(parts.Domain(jid)))
        {
            return true;
        }

        if (!parts.HasLocal || !parts.HasResource)
        {
            return false; // domain/resource was the whole JID (checked above) or there is no resource
        }

        // domain/resource is the full JID without its "local@" prefix.
        return lookup.Contains(jid[parts.DomainStart..]);
    }

    /// <summary>Under <see cref="Gate"/>: adds items; returns those that were new (null when none).</summary>
    public List<byte[]>? AddLocked(List<byte[]> items)
    {
        var snapshot = _current;
        List<byte[]>? added = null;
        var set = new HashSet<byte[]>(snapshot.Set, Utf8KeyComparer.Instance);
        foreach (var item in items)
        {
            if (set.Add(item))
            {
                (added ??= []).Add(item);
            }
        }

        if (added is not null)
        {
            Volatile.Write(ref _current, new Snapshot([.. snapshot.Items, .. added], set));
        }

        return added;
    }

    /// <summary>Under <see cref="Gate"/>: removes items (all when <paramref name="items"/> is null); returns those removed.</summary>
    public List<byte[]> RemoveLocked(List<byte[]>? items)
    {
        var snapshot = _current;
        var removed = new List<byte[]>();
        if (items is null)
        {
            removed.AddRange(snapshot.Items);
            Volatile.Write(ref _current, EmptySnapshot);
            return removed;
        }

        var set = new HashSet<byte[]>(snapshot.Set, Utf8KeyComparer.Instance);
        foreach (var item in items)
        {
            if (set.Remove(item))
            {
                removed.Add(item);
            }
        }

        if (removed.Count > 0)
        {
            var kept = new List<byte[]>(set.Count);
            foreach (var item in snapshot.Items)
            {
                if (set.Contains(item))
                {
                    kept.Add(item);
                }
            }

            Volatile.Write(ref _current, new Snapshot([.. kept], set));
        }

        return removed;
    }

    /// <summary>The stored form: items separated by '\n' (no JID part may contain a control character, RFC 7622).</summary>
    public byte[] Encode()
    {
        var items = Items;
        var length = 0;
        foreach (var item in items)
        {
            length += item.Length + 1;
        }

        var bytes = new byte[Math.Max(0, length - 1)];
        var at = 0;
        foreach (var item in items)
        {
            if (at > 0)
            {
                bytes[at++] = (byte)'\n';
            }

            item.CopyTo(bytes, at);
            at += item.Length;
        }

        return bytes;
    }

    public static Blocklist Decode(ReadOnlySpan<byte> stored)
    {
        var items = new List<byte[]>();
        var set = new HashSet<byte[]>(Utf8KeyComparer.Instance);
        foreach (var range in stored.Split((byte)'\n'))
        {
            var item = stored[range];
            if (!item.IsEmpty)
            {
                var copy = item.ToArray();
                if (set.Add(copy))
                {
                    items.Add(copy);
                }
            }
        }

        return items.Count == 0 ? Empty() : new Blocklist(new Snapshot([.. items], set));
    }

    private sealed record Snapshot(byte[][] Items, HashSet<byte[]> Set);
}
