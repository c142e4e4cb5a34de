using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HighPerf.Xmpp.Core.Cluster;

/// <summary>
/// The node-link wire format: each frame is a 4-byte big-endian length (of what follows), a type byte and the payload.
/// The accepting node opens with <see cref="Challenge"/> (a nonce); the connecting node answers <see cref="Auth"/>
/// (HMAC-SHA256 over the nonce and its node id with the cluster secret, its own nonce, its node id); the acceptor
/// proves the secret and its identity back with <see cref="Proof"/> (HMAC over the connector's nonce and the
/// acceptor's node id: a restarted node on the same address is a different node). Then the connector sends
/// <see cref="Stanza"/>, <see cref="Kick"/>, <see cref="Service"/>, <see cref="Presence"/>, <see cref="Probe"/> and <see cref="Carbon"/> frames and the acceptor
/// answers each read batch with one <see cref="Ack"/> (the total of data frames it has handled on the connection).
/// </summary>
public static class NodeFrame
{
    public const byte Challenge = 1;
    public const byte Auth = 2;
    public const byte Proof = 3;
    public const byte Stanza = 4;
    public const byte Ack = 5;
    public const byte Kick = 6;

    /// <summary>A stanza from a session bound on the sending node (the frame's address is the sender's) to a hosted
    /// service entity (a MUC room) that lives on the receiving node; its 'from' is stamped, its 'to' kept.</summary>
    public const byte Service = 7;

    /// <summary>A presence broadcast for several sessions of the receiving node (<see cref="NodePresenceFrame"/>).</summary>
    public const byte Presence = 8;

    /// <summary>A login's presence probes for contacts with sessions on the receiving node (<see cref="NodePresenceFrame"/>).</summary>
    public const byte Probe = 9;

    /// <summary>A XEP-0280 carbon for the sessions of one user on the receiving node (<see cref="NodeCarbonFrame"/>).</summary>
    public const byte Carbon = 10;

    public const int HeaderBytes = 5;
    public const int NonceBytes = 16;
    public const int MacBytes = 32;

    private static ReadOnlySpan<byte> AuthLabel => "hpx-node-link-auth|"u8;

    private static ReadOnlySpan<byte> ProofLabel => "hpx-node-link-proof|"u8;

    /// <summary>Writes a frame header for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, byte type, int payloadLength)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, payloadLength + 1);
        destination[4] = type;
    }

    /// <summary>
    /// Writes the addressed prefix of a <see cref="Stanza"/> or <see cref="Kick"/> frame (header, bare JID, resource)
    /// for a body of <paramref name="bodyLength"/> bytes; returns its length (<see cref="PrefixLength"/>).
    /// </summary>
    public static int WriteAddressed(Span<byte> destination, byte type, ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource, int bodyLength)
    {
        var prefix = PrefixLength(bareJid, resource);
        WriteHeader(destination, type, prefix - HeaderBytes + bodyLength);
        var at = HeaderBytes;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)bareJid.Length);
        bareJid.CopyTo(destination[(at + 2)..]);
        at += 2 + bareJid.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)resource.Length);
        resource.CopyTo(destination[(at + 2)..]);
        return prefix;
    }

    public static int PrefixLength(ReadOnlySpan<byte> bareJid, ReadOnlySpan<byte> resource) => HeaderBytes + 4 + bareJid.Length + resource.Length;

    /// <summary>Splits the payload of an addressed frame; false when it is malformed.</summary>
    public static bool TryReadAddressed(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> bareJid, out ReadOnlySpan<byte> resource, out ReadOnlySpan<byte> body)
    {
        bareJid = resource = body = default;
        if (payload.Length < 2)
        {
            return false;
        }

        int bareLength = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (payload.Length < 4 + bareLength)
        {
            return false;
        }

        bareJid = payload.Slice(2, bareLength);
        var rest = payload[(2 + bareLength)..];
        int resourceLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (rest.Length < 2 + resourceLength || bareLength == 0)
        {
            return false;
        }

        resource = rest.Slice(2, resourceLength);
        body = rest[(2 + resourceLength)..];
        return true;
    }

    /// <summary>The connector's MAC: over the acceptor's nonce and the connector's node id.</summary>
    public static void AuthMac(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> nodeId, Span<byte> mac)
        => Mac(secret, AuthLabel, nonce, nodeId, mac);

    /// <summary>The acceptor's MAC: over the connector's nonce and the acceptor's node id.</summary>
    public static void ProofMac(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> nodeId, Span<byte> mac)
        => Mac(secret, ProofLabel, nonce, nodeId, mac);

    private static void Mac(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> nodeId, Span<byte> mac)
    {
        Span<byte> input = stackalloc byte[label.Length + nonce.Length + 1 + nodeId.Length];
        label.CopyTo(input);
        nonce.CopyTo(input[label.Length..]);
        input[label.Length + nonce.Length] = (byte)'|';
        nodeId.CopyTo(input[(label.Length + nonce.Length + 1)..]);
        HMACSHA256.HashData(secret, input, mac);
    }
}
