using System.Buffers.Binary;
using System.Security.Cryptography;
using HighPerf.Xmpp.Storage.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// Roster change announcements between the nodes on one engine, over the engine's pub/sub (channel
/// <c>{prefix}roster</c>), as the session directory announces its changes: a node that changed a user's roster item
/// publishes the user and contact once the write is durable, and every node holding that user's roster in memory reads
/// the item again. A message is <c>[user length:2][user][contact length:2][contact][origin:8][delivered stanza]</c>; the
/// origin, random per store, lets a node skip its own announcements. Messages are handled one at a time in arrival
/// order (a <see cref="ChannelMessageQueue"/>) on a thread of the client's, never on an event loop.
/// </summary>
internal sealed class GarnetRosterFeed(GarnetDataStore store)
{
    private const int OriginBytes = 8;
    private readonly byte[] _origin = RandomNumberGenerator.GetBytes(OriginBytes);
    private readonly RedisChannel _channel = RedisChannel.Literal(store.Options.KeyPrefix + "roster");

    public void Announce(ReadOnlySpan<byte> user, ReadOnlySpan<byte> contact, ReadOnlySpan<byte> delivered)
    {
        var message = new byte[4 + user.Length + contact.Length + OriginBytes + delivered.Length];
        var at = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message, (ushort)user.Length);
        user.CopyTo(message.AsSpan(at += 2));
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at += user.Length), (ushort)contact.Length);
        contact.CopyTo(message.AsSpan(at += 2));
        _origin.CopyTo(message.AsSpan(at += contact.Length));
        delivered.CopyTo(message.AsSpan(at + OriginBytes));
        store.Database.Publish(_channel, message, CommandFlags.FireAndForget);
    }

    public void OnChanged(RosterChangedHandler handler)
    {
        var queue = store.Connection.GetSubscriber().Subscribe(_channel);
        queue.OnMessage(message => Dispatch(handler, (byte[]?)message.Message));
    }

    private void Dispatch(RosterChangedHandler handler, byte[]? message)
    {
        if (message is null || !TryRead(message, out var user, out var contact, out var origin, out var delivered)
            || origin.SequenceEqual(_origin))
        {
            return;
        }

        handler(user, contact, delivered);
    }

    private static bool TryRead(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> user, out ReadOnlySpan<byte> contact,
        out ReadOnlySpan<byte> origin, out ReadOnlySpan<byte> delivered)
    {
        user = contact = origin = delivered = default;
        if (message.Length < 2)
        {
            return false;
        }

        int userLength = BinaryPrimitives.ReadUInt16BigEndian(message);
        if (userLength == 0 || message.Length < 4 + userLength)
        {
            return false;
        }

        user = message.Slice(2, userLength);
        var rest = message[(2 + userLength)..];
        int contactLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (contactLength == 0 || rest.Length < 2 + contactLength + OriginBytes)
        {
            return false;
        }

        contact = rest.Slice(2, contactLength);
        origin = rest.Slice(2 + contactLength, OriginBytes);
        delivered = rest[(2 + contactLength + OriginBytes)..];
        return true;
    }
}
