using System.Buffers.Binary;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// The store's own record of what a consistent start needs: which FASTER checkpoint to recover, where the
/// write-ahead-log replay starts, and how far the log and the key-value log are known to be on disk. Its
/// presence means "this folder has data", so missing or damaged FASTER files are reported instead of
/// silently starting empty. Written to a temporary file, flushed, then renamed over the old one, so a
/// crash leaves either the old or the new manifest, never a torn one; a checksum catches other damage.
/// </summary>
/// Version 2 adds the message archive's log: where its replay starts (its entries are the archive index's redo log)
/// and how far it is known to be durable; a version-1 manifest reads as an archive that was never written.
internal sealed record StoreManifest(Guid CheckpointToken, long WalReplayFrom, long WalDurableAddress, long KvFlushedAddress,
    long ArchiveReplayFrom = 0, long ArchiveDurableAddress = 0)
{
    public const string FileName = "store.manifest";

    private const int FormatVersion = 2;
    private const int SizeV1 = 8 + 4 + 16 + 8 + 8 + 8 + 8;
    private const int Size = SizeV1 + 8 + 8;
    private static ReadOnlySpan<byte> Magic => "HPXSTORE"u8;

    /// <summary>A new store: no checkpoint yet, so the whole log is replayed.</summary>
    public static StoreManifest Empty { get; } = new(Guid.Empty, 0, 0, 0);

    public static StoreManifest Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if ((bytes.Length != Size && bytes.Length != SizeV1) || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
            throw new InvalidDataException($"'{FileName}' is truncated or not a store manifest.");
        var span = bytes.AsSpan();
        var size = bytes.Length;
        if (BinaryPrimitives.ReadUInt64LittleEndian(span[(size - 8)..]) != StableHash.Fnv1a64(span[..(size - 8)]))
            throw new InvalidDataException($"'{FileName}' fails its checksum.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (!(version == 1 && size == SizeV1) && !(version == FormatVersion && size == Size))
            throw new InvalidDataException($"'{FileName}' has an unknown format version.");
        return new StoreManifest(
            new Guid(span.Slice(12, 16)),
            BinaryPrimitives.ReadInt64LittleEndian(span[28..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[36..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[44..]),
            version == 1 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(span[52..]),
            version == 1 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(span[60..]));
    }

    public void Write(string path)
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        CheckpointToken.TryWriteBytes(span.Slice(12, 16));
        BinaryPrimitives.WriteInt64LittleEndian(span[28..], WalReplayFrom);
        BinaryPrimitives.WriteInt64LittleEndian(span[36..], WalDurableAddress);
        BinaryPrimitives.WriteInt64LittleEndian(span[44..], KvFlushedAddress);
        BinaryPrimitives.WriteInt64LittleEndian(span[52..], ArchiveReplayFrom);
        BinaryPrimitives.WriteInt64LittleEndian(span[60..], ArchiveDurableAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(span[(Size - 8)..], StableHash.Fnv1a64(span[..(Size - 8)]));

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
