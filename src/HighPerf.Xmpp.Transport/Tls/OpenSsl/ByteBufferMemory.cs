using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotNetty.Buffers;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// Span access to <see cref="IByteBuffer"/> storage, which DotNetty 0.7.6 does not offer: pooled heap buffers
/// expose their array, pooled direct ones a pinned address; anything else (composites) is copied piecewise.
/// </summary>
internal static class ByteBufferMemory
{
    /// <summary>Whether <paramref name="buffer"/>'s bytes can be addressed as one block.</summary>
    public static bool IsContiguous(IByteBuffer buffer) => buffer.HasArray || buffer.HasMemoryAddress;

    /// <summary>A reference to the byte at <paramref name="index"/>; only for <see cref="IsContiguous"/> buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte At(IByteBuffer buffer, int index)
        => ref buffer.HasArray
            ? ref buffer.Array[buffer.ArrayOffset + index]
            : ref Unsafe.Add(ref buffer.GetPinnableMemoryAddress(), index);

    /// <summary>Copies readable bytes into <paramref name="destination"/> and advances the reader index.</summary>
    public static int Read(IByteBuffer source, Span<byte> destination)
    {
        var count = Math.Min(source.ReadableBytes, destination.Length);
        if (count == 0)
        {
            return 0;
        }

        if (IsContiguous(source))
        {
            MemoryMarshal.CreateReadOnlySpan(ref At(source, source.ReaderIndex), count).CopyTo(destination);
        }
        else
        {
            var scratch = ArrayPool<byte>.Shared.Rent(count);
            source.GetBytes(source.ReaderIndex, scratch, 0, count);
            scratch.AsSpan(0, count).CopyTo(destination);
            ArrayPool<byte>.Shared.Return(scratch);
        }

        source.SetReaderIndex(source.ReaderIndex + count);
        return count;
    }

    /// <summary>Appends <paramref name="source"/> at the writer index (growing the buffer if needed).</summary>
    public static void Write(IByteBuffer destination, ReadOnlySpan<byte> source)
    {
        destination.EnsureWritable(source.Length);
        source.CopyTo(MemoryMarshal.CreateSpan(ref At(destination, destination.WriterIndex), source.Length));
        destination.SetWriterIndex(destination.WriterIndex + source.Length);
    }
}
