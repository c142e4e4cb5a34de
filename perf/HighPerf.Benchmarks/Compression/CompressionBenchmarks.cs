using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// XEP-0138 zlib, codec against codec: DotNetty's managed JZlib codecs, System.IO.Compression's ZLibStream over
/// the runtime's native zlib, and the system libz through the server's own ZlibDeflater/ZlibInflater, at several
/// window/memLevel/level settings. Deflate compresses 256 stanzas written one buffer each, with a sync flush after
/// every <see cref="StanzasPerFlush"/> (one per drained batch, as the connection does); Inflate decodes the same
/// stanzas as a client would send them (libz l6 w15 m8, sync-flushed batches). One operation is one stanza, so
/// Allocated is bytes per stanza; MB/s is uncompressed throughput; Out/In the compression ratio; KiB/session the
/// memory a session keeps. Results and the choice: README.md in this folder.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CompressionBenchmarks : IDisposable
{
    private DeflateUnderTest _deflater = null!;
    private InflateUnderTest _inflater = null!;
    private byte[] _unit = [];

    public static IEnumerable<CodecConfig> Codecs => CodecConfig.All;

    [ParamsSource(nameof(Codecs))]
    public CodecConfig Codec { get; set; } = null!;

    [Params(1, 16)]
    public int StanzasPerFlush { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _deflater = DeflateUnderTest.Create(Codec);
        _inflater = InflateUnderTest.Create(Codec);
        (var prefix, _unit) = ReplayStream.Create(StanzasPerFlush);
        _inflater.Inflate(prefix, 0);
        if (_inflater.Inflate(_unit, CompressionData.TotalBytes) != CompressionData.TotalBytes)
        {
            throw new InvalidOperationException($"{Codec} did not inflate the stream.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        // Called twice by the budget check: as [GlobalCleanup] and as IDisposable.
        _deflater?.Dispose();
        _inflater?.Dispose();
        _deflater = null!;
        _inflater = null!;
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = CompressionData.StanzaCount)]
    public int Deflate()
    {
        _deflater.ResetOutput();
        ReplayStream.WriteBatches(_deflater, StanzasPerFlush);
        return _deflater.Output.Length;
    }

    [Benchmark(OperationsPerInvoke = CompressionData.StanzaCount)]
    public int Inflate() => _inflater.Inflate(_unit, CompressionData.TotalBytes);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new CompressionColumn(CompressionColumn.Figure.Throughput));
            AddColumn(new CompressionColumn(CompressionColumn.Figure.CpuThroughput));
            AddColumn(new CompressionColumn(CompressionColumn.Figure.Ratio));
            AddColumn(new CompressionColumn(CompressionColumn.Figure.SessionKiB));
        }
    }
}
