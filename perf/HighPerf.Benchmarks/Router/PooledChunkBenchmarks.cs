using BenchmarkDotNet.Attributes;
using DotNetty.Buffers;
using DotNetty.Common;

namespace HighPerf.Benchmarks.Router;

/// <summary>
/// The outbound queue's chunk source alone: DotNetty's pooled allocator taking and releasing 4 KiB chunks, one at
/// a time (one recipient) and 1,024 outstanding at once (a burst to many recipients, as in <see cref="RouterBenchmarks"/>).
/// Measured on DotNetty 0.7.6: every Buffer() call allocates a new PooledHeapByteBuffer wrapper (~190 B) although the
/// memory itself comes from the pool; that object is the whole remaining allocation of the routing path.
/// </summary>
[MemoryDiagnoser]
public class PooledChunkBenchmarks
{
    private const int Outstanding = 1024;
    private readonly IByteBuffer[] _chunks = new IByteBuffer[Outstanding];
    private readonly IByteBufferAllocator _allocator = PooledByteBufferAllocator.Default;

    [GlobalSetup]
    public void Setup() => ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;

    [Benchmark]
    public int OneChunk()
    {
        var chunk = _allocator.Buffer(4096);
        var capacity = chunk.Capacity;
        chunk.Release();
        return capacity;
    }

    [Benchmark(OperationsPerInvoke = Outstanding)]
    public int ManyOutstanding()
    {
        for (var i = 0; i < _chunks.Length; i++)
        {
            _chunks[i] = _allocator.Buffer(4096);
        }

        for (var i = 0; i < _chunks.Length; i++)
        {
            _chunks[i].Release();
            _chunks[i] = null!;
        }

        return Outstanding;
    }
}
