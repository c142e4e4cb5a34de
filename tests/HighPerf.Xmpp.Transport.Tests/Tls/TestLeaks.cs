using System.Collections.Concurrent;
using DotNetty.Buffers;
using DotNetty.Common;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>
/// Makes leaked buffers fail tests: DotNetty's leak detector at Paranoid (every buffer tracked, reports in the
/// log), plus an allocator that remembers every buffer it hands out so a test can assert all were released.
/// </summary>
internal sealed class TrackingAllocator : AbstractByteBufferAllocator
{
    private readonly ConcurrentQueue<IByteBuffer> _allocated = new();

    static TrackingAllocator() => ResourceLeakDetector.Level = Environment.GetEnvironmentVariable("TLS_TEST_LEAK") == "off" ? ResourceLeakDetector.DetectionLevel.Disabled : ResourceLeakDetector.DetectionLevel.Paranoid;

    public TrackingAllocator()
        : base(preferDirect: false)
    {
    }

    public override bool IsDirectBufferPooled => true;

    public int Allocations => _allocated.Count;

    /// <summary>Buffers still referenced. Pooled buffer objects are reused, so a released one may show up live again
    /// under a later allocation; it is then counted once per live allocation, which is still correct.</summary>
    public int Live => _allocated.Count(b => b.ReferenceCount > 0);

    public void AssertAllReleased()
    {
        var live = _allocated.Where(b => b.ReferenceCount > 0).Distinct().ToList();
        Assert.True(live.Count == 0, $"{live.Count} of {_allocated.Count} buffers not released; first: {live.FirstOrDefault()}");
    }

    protected override IByteBuffer NewHeapBuffer(int initialCapacity, int maxCapacity) => Track(PooledByteBufferAllocator.Default.HeapBuffer(initialCapacity, maxCapacity));

    protected override IByteBuffer NewDirectBuffer(int initialCapacity, int maxCapacity) => Track(PooledByteBufferAllocator.Default.DirectBuffer(initialCapacity, maxCapacity));

    private IByteBuffer Track(IByteBuffer buffer)
    {
        _allocated.Enqueue(buffer);
        return buffer;
    }
}
