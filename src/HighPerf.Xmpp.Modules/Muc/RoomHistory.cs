using System.Buffers;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>
/// A room's discussion history (XEP-0045 §7.2.15): a ring of pooled byte slices, one per groupchat message,
/// holding the stanza without 'from'/'to' and where its end tag starts (where the XEP-0203 &lt;delay/&gt; goes).
/// Adding a message rents one pooled buffer and returns the evicted one: no objects per message in steady
/// state. Used under the room's lock.
/// </summary>
internal sealed class RoomHistory : IDisposable
{
    private Entry[] _entries;
    private int _start;
    private int _count;

    public RoomHistory(int capacity)
    {
        _entries = new Entry[Math.Max(capacity, 0)];
    }

    public int Count => _count;

    public int Capacity => _entries.Length;

    /// <summary>Stores <paramref name="slices"/> (a message whose 'from'/'to' are cut) as sent by <paramref name="fromAttribute"/>.</summary>
    public void Add(in StanzaSlices slices, byte[] fromAttribute, long unixMilliseconds)
    {
        if (_entries.Length == 0)
        {
            return;
        }

        var length = slices.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        slices.CopyTo(buffer);
        var closeStart = buffer.AsSpan(0, length).LastIndexOf("</"u8);
        if (closeStart < 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return; // <message/> carries no body: nothing to replay
        }

        int slot;
        if (_count == _entries.Length)
        {
            slot = _start;
            ArrayPool<byte>.Shared.Return(_entries[slot].Buffer!);
            _start = (_start + 1) % _entries.Length;
        }
        else
        {
            slot = (_start + _count) % _entries.Length;
            _count++;
        }

        _entries[slot] = new Entry(buffer, length, slices.Head.Length, closeStart, fromAttribute, unixMilliseconds);
    }

    /// <summary>Changes the capacity, keeping the newest messages.</summary>
    public void Resize(int capacity)
    {
        capacity = Math.Max(capacity, 0);
        if (capacity == _entries.Length)
        {
            return;
        }

        var next = new Entry[capacity];
        var keep = Math.Min(_count, capacity);
        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[(_start + i) % _entries.Length];
            if (i < _count - keep)
            {
                ArrayPool<byte>.Shared.Return(entry.Buffer!);
            }
            else
            {
                next[i - (_count - keep)] = entry;
            }
        }

        _entries = next;
        _start = 0;
        _count = keep;
    }

    /// <summary>
    /// Sends the history to <paramref name="recipient"/> within the limits it asked for (XEP-0045 §7.2.15: maxstanzas,
    /// maxchars, seconds, since; negative: no limit), each with a delay stamp from <paramref name="roomJid"/>.
    /// </summary>
    public void Replay(XmppSession recipient, ReadOnlySpan<byte> roomJid, int maxStanzas, int maxChars, long sinceUnixMilliseconds)
    {
        if (_count == 0 || maxStanzas == 0 || maxChars == 0)
        {
            return;
        }

        // Walk back from the newest message while the limits allow, then send oldest first.
        var first = _count;
        long chars = 0;
        while (first > 0)
        {
            var entry = _entries[(_start + first - 1) % _entries.Length];
            if (entry.UnixMilliseconds < sinceUnixMilliseconds)
            {
                break;
            }

            if (maxStanzas >= 0 && _count - first >= maxStanzas)
            {
                break;
            }

            chars += entry.Length + entry.FromAttribute.Length + recipient.ToAttribute.Length;
            if (maxChars >= 0 && chars > maxChars)
            {
                break;
            }

            first--;
        }

        Span<byte> delay = stackalloc byte[96 + (roomJid.Length * 6)];
        for (var i = first; i < _count; i++)
        {
            var entry = _entries[(_start + i) % _entries.Length];
            var delayLength = WriteDelay(delay, roomJid, entry.UnixMilliseconds);
            var bytes = entry.Buffer.AsSpan(0, entry.Length);
            recipient.Send(new OutboundParts(
                bytes[..entry.NameEnd],
                entry.FromAttribute,
                recipient.ToAttribute,
                bytes[entry.NameEnd..entry.CloseStart],
                delay[..delayLength],
                bytes[entry.CloseStart..]));
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            ArrayPool<byte>.Shared.Return(_entries[(_start + i) % _entries.Length].Buffer!);
        }

        _count = 0;
        _start = 0;
    }

    private static int WriteDelay(Span<byte> destination, ReadOnlySpan<byte> roomJid, long unixMilliseconds)
    {
        var at = Append(destination, 0, "<delay xmlns='urn:xmpp:delay' from='"u8);
        at = Append(destination, at, roomJid); // a normalized bare JID at our service: no quote can occur
        at = Append(destination, at, "' stamp='"u8);
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime;
        stamp.TryFormat(destination[at..], out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        return Append(destination, at, "'/>"u8);
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    private readonly record struct Entry(byte[]? Buffer, int Length, int NameEnd, int CloseStart, byte[] FromAttribute, long UnixMilliseconds);
}
