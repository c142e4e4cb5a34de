using System.Buffers.Text;
using System.Globalization;

namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// An entry's id within its owner's archive: 16 lowercase hex digits. The high 24 bits are the archive's epoch
/// (drawn when the owner's archive is created, so ids do not repeat after an archive is deleted and started
/// again), the low 40 bits the entry's sequence number in the archive.
/// </summary>
public readonly record struct ArchiveId(ulong Value)
{
    public const int TextLength = 16;
    private const int SequenceBits = 40;

    public static ArchiveId From(uint epoch, long sequence) => new(((ulong)(epoch & 0xFFFFFF) << SequenceBits) | ((ulong)sequence & ((1UL << SequenceBits) - 1)));

    public uint Epoch => (uint)(Value >> SequenceBits);

    public long Sequence => (long)(Value & ((1UL << SequenceBits) - 1));

    public void Format(Span<byte> destination)
    {
        if (!Utf8Formatter.TryFormat(Value, destination, out var written, new System.Buffers.StandardFormat('x', TextLength)) || written != TextLength)
            throw new ArgumentException("The destination holds fewer than 16 bytes.", nameof(destination));
    }

    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses the 16-hex-digit form; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ArchiveId id)
    {
        id = default;
        if (text.Length != TextLength)
            return false;
        ulong value = 0;
        foreach (var c in text)
        {
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                _ => -1,
            };
            if (digit < 0)
                return false;
            value = (value << 4) | (uint)digit;
        }

        id = new ArchiveId(value);
        return true;
    }
}
