using System.Buffers.Binary;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// The members of a node's whitelist (XEP-0060 §4.1 affiliation "member", set by the owner through §8.9), kept in
/// the stored configuration after the <see cref="PepNodeConfig"/> bytes as <c>[count:2]([length:2][bare JID])*</c>.
/// The owner is not listed: it is always allowed.
/// </summary>
internal static class PepWhitelist
{
    /// <summary>Most members per node: the stored configuration has a 64 KiB bound and JIDs are up to 1,023 bytes.</summary>
    public const int MaxMembers = 32;

    public static List<byte[]> Read(ReadOnlySpan<byte> configuration)
    {
        var members = new List<byte[]>();
        if (configuration.Length <= PepNodeConfig.EncodedLength)
        {
            return members;
        }

        var rest = configuration[PepNodeConfig.EncodedLength..];
        int count = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        rest = rest[2..];
        for (var i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            members.Add(rest.Slice(2, length).ToArray());
            rest = rest[(2 + length)..];
        }

        return members;
    }

    public static bool Contains(IReadOnlyList<byte[]> members, ReadOnlySpan<byte> jid)
    {
        foreach (var member in members)
        {
            if (member.AsSpan().SequenceEqual(jid))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The configuration bytes with the members after them.</summary>
    public static byte[] Encode(PepNodeConfig config, IReadOnlyList<byte[]> members)
    {
        var head = config.Encode();
        if (members.Count == 0)
        {
            return head;
        }

        var size = head.Length + 2;
        foreach (var member in members)
        {
            size += 2 + member.Length;
        }

        var bytes = new byte[size];
        head.CopyTo(bytes, 0);
        var rest = bytes.AsSpan(head.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(rest, (ushort)members.Count);
        rest = rest[2..];
        foreach (var member in members)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(rest, (ushort)member.Length);
            member.CopyTo(rest[2..]);
            rest = rest[(2 + member.Length)..];
        }

        return bytes;
    }
}
