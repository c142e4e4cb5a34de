using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// The server's own XEP-0138 handlers as a connection drives them, with the chosen settings
/// (<see cref="CompressionOptions.Default"/>): <c>DeflateHandler</c> writes each stanza as a pooled buffer and
/// flushes once per batch, resetting the dictionary at each change of sender when <see cref="SenderResets"/> (the
/// production policy; the stanzas come from 24 senders in random order, the worst case); <c>InflateHandler</c>
/// reads the client stream of <see cref="CompressionBenchmarks"/> as one pooled buffer. The neighbours in the
/// pipeline are terminal handlers that release what they get and the inputs are reused, so Allocated is the
/// handlers' own: nothing per stanza; per batch one pooled output buffer, whose bookkeeping DotNetty's pooled
/// allocator itself allocates (96 B on the benchmark thread).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CompressionHandlerBenchmarks : IDisposable
{
    private readonly IByteBufferAllocator _allocator = PooledByteBufferAllocator.Default;
    private readonly SenderTracker _senders = new();
    private EmbeddedChannel _outChannel = null!;
    private EmbeddedChannel _inChannel = null!;
    private ZlibDeflateHandler _deflater = null!;
    private ZlibInflateHandler _inflater = null!;
    private IChannelHandlerContext _deflaterContext = null!;
    private IChannelHandlerContext _inflaterContext = null!;
    private OutboundSink _outSink = null!;
    private InboundSink _inSink = null!;
    private byte[][] _batches = [];
    private IByteBuffer[] _inputs = [];
    private IByteBuffer[] _reads = [];
    private bool _disposed;

    [Params(1, 16)]
    public int StanzasPerFlush { get; set; }

    [Params(false, true)]
    public bool SenderResets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // As the server runs (XmppTransportHost.ApplyLeakDetectionDefault): sampled leak tracking allocates.
        DotNetty.Common.ResourceLeakDetector.Level = DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled;
        var options = CompressionOptions.Default;
        _outSink = new OutboundSink();
        _deflater = new ZlibDeflateHandler(options);
        _outChannel = new EmbeddedChannel(_outSink, _deflater);
        _deflaterContext = _outChannel.Pipeline.Context(_deflater);

        _inSink = new InboundSink();
        _inflater = new ZlibInflateHandler(options, null, 1 << 20);
        _inChannel = new EmbeddedChannel(_inflater, _inSink);
        _inflaterContext = _inChannel.Pipeline.Context(_inflater);

        // Pooled buffers made once and retained before each use (the handlers release what they are given), so
        // that Allocated is the handlers' own and not the harness's.
        _inputs = Array.ConvertAll(CompressionData.Stanzas, Pooled);

        // The client stream as one read (the inflater splits it into chunks itself).
        var (prefix, unit) = ReplayStream.Create(StanzasPerFlush);
        Read(Pooled(prefix));
        _batches = [unit];
        _reads = Array.ConvertAll(_batches, Pooled);
        Inflate();
        if (_inSink.Bytes != CompressionData.TotalBytes)
        {
            throw new InvalidOperationException("The inflate handler did not inflate the stream.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        // Called twice by the budget check: as [GlobalCleanup] and as IDisposable.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var buffer in _inputs.Concat(_reads))
        {
            buffer.Release();
        }

        _outChannel?.CloseAsync().GetAwaiter().GetResult();
        _inChannel?.CloseAsync().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = CompressionData.StanzaCount)]
    public long DeflateHandler()
    {
        _outSink.Bytes = 0;
        var stanzas = CompressionData.Stanzas;
        for (var i = 0; i < stanzas.Length; i++)
        {
            var stanza = stanzas[i];
            if (SenderResets && _senders.IsNewSender(new OutboundParts(stanza)))
            {
                _deflater.FullFlushBeforeNextWrite();
            }

            var buffer = _inputs[i];
            buffer.Retain();
            buffer.SetReaderIndex(0);
            _ = _deflater.WriteAsync(_deflaterContext, buffer);
            if ((i + 1) % StanzasPerFlush == 0 || i == stanzas.Length - 1)
            {
                _deflater.Flush(_deflaterContext);
            }
        }

        return _outSink.Bytes;
    }

    [Benchmark(OperationsPerInvoke = CompressionData.StanzaCount)]
    public long InflateHandler()
    {
        _inSink.Bytes = 0;
        Inflate();
        return _inSink.Bytes;
    }

    private void Inflate()
    {
        foreach (var read in _reads)
        {
            read.Retain();
            read.SetReaderIndex(0);
            Read(read);
        }
    }

    private void Read(IByteBuffer buffer) => _inflater.ChannelRead(_inflaterContext, buffer);

    private IByteBuffer Pooled(byte[] bytes)
    {
        var buffer = _allocator.Buffer(bytes.Length);
        buffer.WriteBytes(bytes);
        return buffer;
    }

    /// <summary>Compressed bytes per uncompressed byte for the row's policy, computed in the host.</summary>
    internal static double Ratio(int stanzasPerFlush, bool senderResets)
    {
        var benchmark = new CompressionHandlerBenchmarks { StanzasPerFlush = stanzasPerFlush, SenderResets = senderResets };
        benchmark.Setup();
        var bytes = benchmark.DeflateHandler();
        benchmark.Dispose();
        return (double)bytes / CompressionData.TotalBytes;
    }

    private sealed class OutboundSink : ChannelHandlerAdapter
    {
        public long Bytes { get; set; }

        public override Task WriteAsync(IChannelHandlerContext context, object message)
        {
            Bytes += ((IByteBuffer)message).ReadableBytes;
            ((IByteBuffer)message).Release();
            return Task.CompletedTask;
        }

        public override void Flush(IChannelHandlerContext context)
        {
        }
    }

    private sealed class InboundSink : ChannelHandlerAdapter
    {
        public long Bytes { get; set; }

        public override void ChannelRead(IChannelHandlerContext context, object message)
        {
            Bytes += ((IByteBuffer)message).ReadableBytes;
            ((IByteBuffer)message).Release();
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new CompressionColumn(CompressionColumn.Figure.Throughput));
            AddColumn(new CompressionColumn(CompressionColumn.Figure.CpuThroughput));
            AddColumn(new CompressionColumn(CompressionColumn.Figure.Ratio));
        }
    }
}
