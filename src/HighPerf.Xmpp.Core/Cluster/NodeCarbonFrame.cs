using System.Buffers.Binary;
using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// The body of a <see cref="NodeFrame.Carbon"/> frame, after the addressed prefix that names the carbons' owner (bare
/// JID) and the resource that is not to get one (the full-JID target or the sender; empty for none): the priority
/// the bare-JID rule delivered to (int.MinValue when the message was not to the bare JID: the sessions it reached
/// get no carbon, RFC 6121 §8.5.2.1.1), then the carbon's bytes in two parts around the point where each
/// recipient's 'to' goes. The sending node composes the carbon once; each node copies it to its own sessions with
/// carbons on.
/// </summary>
public static class NodeCarbonFrame
{
    /// <summary>Writes a whole carbon frame (header included) into <paramref name="frame"/>.</summary>
    public static void Write(PooledBufferWriter frame, ReadOnlySpan<byte> ownerBare, ReadOnlySpan<byte> excludedResource, int bareBest,
        ReadOnlySpan<byte> head, ReadOnlySpan<byte> rest)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var body = 6 + head.Length + rest.Length;
        var prefix = NodeFrame.PrefixLength(ownerBare, excludedResource);
        var span = frame.GetSpan(prefix + body);
        NodeFrame.WriteAddressed(span, NodeFrame.Carbon, ownerBare, excludedResource, body);
        BinaryPrimitives.WriteInt32BigEndian(span[prefix..], bareBest);
        BinaryPrimitives.WriteUInt16BigEndian(span[(prefix + 4)..], (ushort)head.Length);
        head.CopyTo(span[(prefix + 6)..]);
        rest.CopyTo(span[(prefix + 6 + head.Length)..]);
        frame.Advance(prefix + body);
    }

    /// <summary>Splits a carbon body; false when it is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out int bareBest, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> rest)
    {
        bareBest = int.MinValue;
        head = rest = default;
        if (body.Length < 6)
        {
            return false;
        }

        bareBest = BinaryPrimitives.ReadInt32BigEndian(body);
        int headLength = BinaryPrimitives.ReadUInt16BigEndian(body[4..]);
        if (headLength == 0 || body.Length < 6 + headLength)
        {
            return false;
        }

        head = body.Slice(6, headLength);
        rest = body[(6 + headLength)..];
        return true;
    }
}
