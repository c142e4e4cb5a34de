using System.Buffers.Binary;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Roster item value: <c>[tag][flags][subscription]</c>, then <c>[name length:2][name]</c> when named,
/// <c>[group count:2]([length:2][group])*</c>, and <c>[stanza length:4][stanza]</c> when a pending inbound
/// subscription request is stored. The contact JID is the key's suffix, not repeated here.
/// </summary>
internal static class RosterItemCodec
{
    private const byte PendingOut = 1;
    private const byte PendingIn = 2;
    private const byte PreApproved = 4;
    private const byte HasName = 8;
    private const byte HasStanza = 16;
    private const byte Hidden = 32;

    public static int SizeOf(RosterItemRecord item)
    {
        ArgumentNullException.ThrowIfNull(item.Groups, nameof(item.Groups));
        if (item.Name is { Length: > ushort.MaxValue })
            throw new ArgumentException("The roster item name is too long.", nameof(item));
        if (item.Groups.Count > ushort.MaxValue)
            throw new ArgumentException("The roster item has too many groups.", nameof(item));
        var size = 3 + (item.Name is null ? 0 : 2 + item.Name.Length) + 2 + (item.PendingInStanza is null ? 0 : 4 + item.PendingInStanza.Length);
        // Indexed loops: foreach over IReadOnlyList<T> would allocate an enumerator on every write.
        for (var i = 0; i < item.Groups.Count; i++)
        {
            var group = item.Groups[i];
            if (group is null || group.Length > ushort.MaxValue)
                throw new ArgumentException("A roster group name is missing or too long.", nameof(item));
            size += 2 + group.Length;
        }
        return size;
    }

    public static int Write(RosterItemRecord item, Span<byte> destination)
    {
        destination[0] = RecordTag.RosterItemV1;
        destination[1] = (byte)((item.PendingOut ? PendingOut : 0) | (item.PendingIn ? PendingIn : 0) | (item.PreApproved ? PreApproved : 0)
            | (item.Name is null ? 0 : HasName) | (item.PendingInStanza is null ? 0 : HasStanza) | (item.Hidden ? Hidden : 0));
        destination[2] = (byte)item.Subscription;
        var at = 3;
        if (item.Name is not null)
            at += WriteShort(item.Name, destination[at..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)item.Groups.Count);
        at += 2;
        for (var i = 0; i < item.Groups.Count; i++)
            at += WriteShort(item.Groups[i], destination[at..]);
        if (item.PendingInStanza is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], item.PendingInStanza.Length);
            item.PendingInStanza.CopyTo(destination[(at + 4)..]);
            at += 4 + item.PendingInStanza.Length;
        }
        return at;
    }

    public static RosterItemRecord Read(ReadOnlySpan<byte> contact, ReadOnlySpan<byte> value)
    {
        try
        {
            if (value.Length < 5 || value[0] != RecordTag.RosterItemV1 || value[2] > (byte)SubscriptionState.Both)
                throw new InvalidDataException();
            var flags = value[1];
            var rest = value[3..];
            var name = (flags & HasName) != 0 ? ReadShort(ref rest).ToArray() : null;
            var groups = new byte[BinaryPrimitives.ReadUInt16LittleEndian(rest)][];
            rest = rest[2..];
            for (var i = 0; i < groups.Length; i++)
                groups[i] = ReadShort(ref rest).ToArray();
            byte[]? stanza = null;
            if ((flags & HasStanza) != 0)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(rest);
                stanza = rest.Slice(4, length).ToArray();
                rest = rest[(4 + length)..];
            }
            if (!rest.IsEmpty)
                throw new InvalidDataException();

            return new RosterItemRecord
            {
                Jid = contact.ToArray(),
                Name = name,
                Groups = groups,
                Subscription = (SubscriptionState)value[2],
                PendingOut = (flags & PendingOut) != 0,
                PendingIn = (flags & PendingIn) != 0,
                PreApproved = (flags & PreApproved) != 0,
                PendingInStanza = stanza,
                Hidden = (flags & Hidden) != 0,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            Throw.BadRecord(RecordKind.RosterItem, "truncated");
            return null;
        }
        catch (InvalidDataException)
        {
            Throw.BadRecord(RecordKind.RosterItem, "unexpected layout");
            return null;
        }
    }

    private static int WriteShort(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)bytes.Length);
        bytes.CopyTo(destination[2..]);
        return 2 + bytes.Length;
    }

    private static ReadOnlySpan<byte> ReadShort(ref ReadOnlySpan<byte> rest)
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        var bytes = rest.Slice(2, length);
        rest = rest[(2 + length)..];
        return bytes;
    }
}
