using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Applies a <see cref="WalBatch"/> entry to the key-value store: live after logging it, and at recovery.</summary>
internal static class WalEntry
{
    public static void Apply(ReadOnlySpan<byte> entry, StoreSession session)
    {
        if (entry.Length < WalBatch.HeaderBytes || entry[0] != WalBatch.Format)
            throw new InvalidDataException("Unknown write-ahead-log entry format.");
        var count = BinaryPrimitives.ReadUInt16LittleEndian(entry[1..]);
        var rest = entry[WalBatch.HeaderBytes..];
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 3)
                throw new InvalidDataException("Truncated write-ahead-log entry.");
            var op = rest[0];
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(rest[1..]);
            if (keyLength == 0 || rest.Length < 3 + keyLength)
                throw new InvalidDataException("Truncated write-ahead-log entry key.");
            var key = rest.Slice(3, keyLength);
            rest = rest[(3 + keyLength)..];
            switch (op)
            {
                case WalBatch.OpUpsert:
                    if (rest.Length < sizeof(int))
                        throw new InvalidDataException("Truncated write-ahead-log entry value.");
                    var valueLength = BinaryPrimitives.ReadInt32LittleEndian(rest);
                    if (valueLength <= 0 || rest.Length < sizeof(int) + valueLength)
                        throw new InvalidDataException("Truncated write-ahead-log entry value.");
                    session.Upsert(key, rest.Slice(sizeof(int), valueLength));
                    rest = rest[(sizeof(int) + valueLength)..];
                    break;
                case WalBatch.OpDelete:
                    session.Delete(key);
                    break;
                default:
                    throw new InvalidDataException($"Unknown write-ahead-log operation {op}.");
            }
        }

        if (!rest.IsEmpty)
            throw new InvalidDataException("Trailing bytes after a write-ahead-log entry.");
    }
}
