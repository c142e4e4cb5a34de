using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotNetty.Buffers;

namespace HighPerf.Xmpp.Transport.Buffers;

/// <summary>
/// Span views of DotNetty buffers, which predate Span: heap buffers expose their array, direct (pinned)
/// buffers a memory address. Composite buffers have neither and are walked segment by segment.
/// </summary>
internal static class ByteBufferSpans
{
    /// <summary>The readable bytes when they are contiguous; false for a composite buffer.</summary>
    public static bool TryGetReadable(IByteBuffer buffer, out ReadOnlySpan<byte> span)
    {
        var length = buffer.ReadableBytes;
        if (buffer.HasArray)
        {
            span = buffer.Array.AsSpan(buffer.ArrayOffset + buffer.ReaderIndex, length);
            return true;
        }

        if (buffer.HasMemoryAddress)
        {
            ref var start = ref buffer.GetPinnableMemoryAddress();
            span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, buffer.ReaderIndex), length);
            return true;
        }

        span = default;
        return false;
    }

    /// <summary>Room for <paramref name="length"/> bytes at the writer index (the buffer grows if it must);
    /// the caller then calls <see cref="IByteBuffer.SetWriterIndex"/>.</summary>
    public static Span<byte> GetWritable(IByteBuffer buffer, int length)
    {
        buffer.EnsureWritable(length);
        if (buffer.HasArray)
        {
            return buffer.Array.AsSpan(buffer.ArrayOffset + buffer.WriterIndex, length);
        }

        if (buffer.HasMemoryAddress)
        {
            ref var start = ref buffer.GetPinnableMemoryAddress();
            return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref start, buffer.WriterIndex), length);
        }

        throw new NotSupportedException("Composite buffers are not written through spans.");
    }
}
