using System.Buffers.Binary;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// The bodies of <see cref="NodeFrame.Presence"/> and <see cref="NodeFrame.Probe"/> frames, after the addressed prefix
/// (<see cref="NodeFrame.WriteAddressed"/>) that names the sending session (the presence's source, or the prober).
/// A presence body is the source's pre-encoded ` from='…'`, whether the source is available after it (1) or not (0),
/// the stanza's name length, the recipients (bare JID and
/// resource each, sessions of the receiving node) and the stanza without from/to: the receiving node inserts the
/// from and each recipient's 'to', exactly as a local broadcast does, so a broadcast costs one frame per node however
/// many of its sessions subscribe. A probe body is the contacts (bare JIDs) whose sessions there should answer.
/// </summary>
public static class NodePresenceFrame
{
    /// <summary>Appends one recipient session to a presence body's list.</summary>
    public static void AppendRecipient(PooledBufferWriter entries, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var span = entries.GetSpan(4 + bareJid.Length + resource.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)bareJid.Length);
        bareJid.CopyTo(span[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[(2 + bareJid.Length)..], (ushort)resource.Length);
        resource.CopyTo(span[(4 + bareJid.Length)..]);
        entries.Advance(4 + bareJid.Length + resource.Length);
    }

    /// <summary>Appends one contact to a probe body's list.</summary>
    public static void AppendContact(PooledBufferWriter entries, ReadOnlySpan<byte> bareJid)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var span = entries.GetSpan(2 + bareJid.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)bareJid.Length);
        bareJid.CopyTo(span[2..]);
        entries.Advance(2 + bareJid.Length);
    }

    /// <summary>Writes a whole presence frame (header included) into <paramref name="frame"/>.</summary>
    public static void WritePresence(PooledBufferWriter frame, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, ReadOnlySpan<byte> fromAttribute,
        bool available, scoped in StanzaSlices presence, int count, ReadOnlySpan<byte> entries)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var body = 2 + fromAttribute.Length + 5 + entries.Length + presence.Length;
        var prefix = NodeFrame.PrefixLength(bareJid, resource);
        var span = frame.GetSpan(prefix + body);
        NodeFrame.WriteAddressed(span, NodeFrame.Presence, bareJid, resource, body);
        var at = prefix;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)fromAttribute.Length);
        fromAttribute.CopyTo(span[(at + 2)..]);
        at += 2 + fromAttribute.Length;
        span[at++] = available ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)presence.Head.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 2)..], (ushort)count);
        at += 4;
        entries.CopyTo(span[at..]);
        at += entries.Length;
        at += presence.CopyTo(span[at..]);
        frame.Advance(at);
    }

    /// <summary>Writes a whole probe frame (header included) into <paramref name="frame"/>.</summary>
    public static void WriteProbe(PooledBufferWriter frame, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, int count, ReadOnlySpan<byte> entries)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var body = 2 + entries.Length;
        var prefix = NodeFrame.PrefixLength(bareJid, resource);
        var span = frame.GetSpan(prefix + body);
        NodeFrame.WriteAddressed(span, NodeFrame.Probe, bareJid, resource, body);
        BinaryPrimitives.WriteUInt16BigEndian(span[prefix..], (ushort)count);
        entries.CopyTo(span[(prefix + 2)..]);
        frame.Advance(prefix + body);
    }

    /// <summary>Splits a presence body; false when it is malformed.</summary>
    public static bool TryReadPresence(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> fromAttribute, out bool available, out int nameEnd, out int count,
        out ReadOnlySpan<byte> entries, out ReadOnlySpan<byte> stanza)
    {
        fromAttribute = entries = stanza = default;
        nameEnd = count = 0;
        available = false;
        if (body.Length < 2)
        {
            return false;
        }

        int fromLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (body.Length < 7 + fromLength)
        {
            return false;
        }

        fromAttribute = body.Slice(2, fromLength);
        available = body[2 + fromLength] == 1;
        var rest = body[(3 + fromLength)..];
        nameEnd = BinaryPrimitives.ReadUInt16BigEndian(rest);
        count = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
        rest = rest[4..];
        var listed = rest;
        for (var i = 0; i < count; i++)
        {
            if (!TryNextRecipient(ref listed, out _, out _))
            {
                return false;
            }
        }

        entries = rest[..(rest.Length - listed.Length)];
        stanza = listed;
        return nameEnd > 0 && nameEnd <= stanza.Length;
    }

    /// <summary>Splits a probe body; false when it is malformed.</summary>
    public static bool TryReadProbe(ReadOnlySpan<byte> body, out int count, out ReadOnlySpan<byte> entries)
    {
        count = 0;
        entries = default;
        if (body.Length < 2)
        {
            return false;
        }

        count = BinaryPrimitives.ReadUInt16BigEndian(body);
        entries = body[2..];
        var listed = entries;
        for (var i = 0; i < count; i++)
        {
            if (!TryNextContact(ref listed, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes the next recipient off a presence body's list.</summary>
    public static bool TryNextRecipient(ref ReadOnlySpan<byte> entries, out ReadOnlySpan<byte> bareJid, out ReadOnlySpan<byte> resource)
    {
        bareJid = resource = default;
        if (!TryNextContact(ref entries, out bareJid) || entries.Length < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(entries);
        if (entries.Length < 2 + length)
        {
            return false;
        }

        resource = entries.Slice(2, length);
        entries = entries[(2 + length)..];
        return true;
    }

    /// <summary>Takes the next contact off a probe body's list.</summary>
    public static bool TryNextContact(ref ReadOnlySpan<byte> entries, out ReadOnlySpan<byte> bareJid)
    {
        bareJid = default;
        if (entries.Length < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(entries);
        if (length == 0 || entries.Length < 2 + length)
        {
            return false;
        }

        bareJid = entries.Slice(2, length);
        entries = entries[(2 + length)..];
        return true;
    }
}
