namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// A zlib deflate stream over spans: the caller supplies output space and calls again while
/// <see cref="Compress"/> says more output is pending. No allocation per call.
/// </summary>
internal sealed unsafe class ZlibDeflater : IDisposable
{
    private readonly ZlibStreamHandle _stream;

    public ZlibDeflater(int level, int windowBits, int memLevel)
    {
        _stream = ZlibStreamHandle.CreateDeflate(level, windowBits, memLevel);
    }

    /// <summary>
    /// Compresses as much of <paramref name="input"/> into <paramref name="output"/> as fits. Returns true when the
    /// call is complete: all input consumed and, for a flush, the flush fully written. False means the output
    /// filled up: call again with the rest of the input, the same <paramref name="flush"/> and fresh space.
    /// </summary>
    public bool Compress(ReadOnlySpan<byte> input, Span<byte> output, DeflateFlush flush, out int consumed, out int written)
    {
        var stream = _stream.Stream;
        int result;
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            stream->NextIn = inPtr;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = outPtr;
            stream->AvailOut = (uint)output.Length;
            result = LibZ.Deflate(stream, (int)flush);
            consumed = input.Length - (int)stream->AvailIn;
            written = output.Length - (int)stream->AvailOut;
            var complete = stream->AvailIn == 0 && (flush == DeflateFlush.None || stream->AvailOut != 0);
            stream->NextIn = null;
            stream->NextOut = null;
            if (result != LibZ.Ok && result != LibZ.BufError)
            {
                throw new InvalidOperationException($"zlib deflate failed ({result}).");
            }

            // Z_BUF_ERROR only says no progress was possible (nothing new to flush): not an error.
            return complete;
        }
    }

    public void Dispose() => _stream.Dispose();
}
