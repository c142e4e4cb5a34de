namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>A zlib inflate stream over spans; no allocation per call.</summary>
internal sealed unsafe class ZlibInflater : IDisposable
{
    private readonly ZlibStreamHandle _stream;

    public ZlibInflater()
    {
        _stream = ZlibStreamHandle.CreateInflate();
    }

    public InflateResult Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        var stream = _stream.Stream;
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            stream->NextIn = inPtr;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = outPtr;
            stream->AvailOut = (uint)output.Length;
            var result = LibZ.Inflate(stream, LibZ.SyncFlush);
            consumed = input.Length - (int)stream->AvailIn;
            written = output.Length - (int)stream->AvailOut;
            var outputFull = stream->AvailOut == 0;
            stream->NextIn = null;
            stream->NextOut = null;
            return result switch
            {
                LibZ.StreamEnd => InflateResult.StreamEnd,
                LibZ.Ok or LibZ.BufError => outputFull ? InflateResult.OutputFull : InflateResult.NeedsInput,
                _ => InflateResult.Corrupt,
            };
        }
    }

    public void Dispose() => _stream.Dispose();
}
