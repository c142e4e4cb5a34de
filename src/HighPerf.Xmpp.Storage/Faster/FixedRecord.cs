using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>Values that are one unmanaged struct after the tag byte (accounts, roster and offline state).</summary>
internal static class FixedRecord
{
    public static bool TryRead<T>(StoreSession session, ReadOnlySpan<byte> key, RecordKind kind, byte tag, out T value)
        where T : unmanaged
    {
        if (!session.TryRead(key, out var bytes))
        {
            value = default;
            return false;
        }

        if (bytes.Length != 1 + Unsafe.SizeOf<T>() || bytes[0] != tag)
            Throw.BadRecord(kind, "unexpected length or tag");
        value = MemoryMarshal.Read<T>(bytes[1..]);
        return true;
    }

    public static void Upsert<T>(WalBatch batch, ReadOnlySpan<byte> key, byte tag, in T value)
        where T : unmanaged
    {
        var size = 1 + Unsafe.SizeOf<T>();
        var span = batch.BeginUpsert(key, size);
        span[0] = tag;
        MemoryMarshal.Write(span[1..], in value);
        batch.EndUpsert(size);
    }
}
