using System.Net;
using System.Security.Cryptography;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using Xunit.Abstractions;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.UploadSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>Runs alone: the live heap it bounds is the whole test process's, and a server another test class starts
/// meanwhile (its FASTER page rings, an archive filled for a query test) showed up as 22 and 95 MB of "growth" in CI.</summary>
[CollectionDefinition(nameof(LargeTransferCollection), DisableParallelization = true)]
public sealed class LargeTransferCollection;

/// <summary>
/// 100 MB through the proxy and through HTTP upload with the server's memory bounded. What is bounded is what
/// the server keeps live while the bytes stream: the managed heap after a full collection, measured at a quarter,
/// half and three quarters of the transfer (a server that buffered the file would hold tens of MB there), and
/// for the proxy the most bytes ever queued toward the receiver, which back-pressure caps. The receiver of the
/// proxy transfer starts reading late, so the sender runs into that cap.
/// </summary>
[Collection(nameof(LargeTransferCollection))]
public sealed class LargeTransferTests(ITestOutputHelper output)
{
    private const long Size = 100L * 1024 * 1024;

    /// <summary>Live managed heap growth allowed during a transfer, once the buffer pool is warm (measured: about
    /// 0 for the proxy, 1.2 MiB for an upload; one more 16 MiB pool chunk would still pass, 100 MB held would not).</summary>
    private const long HeapGrowthBound = 16L * 1024 * 1024;

    /// <summary>Bytes queued toward one side: the 256 KiB high-water mark plus what one read loop delivers before
    /// reading stops (16 reads of at most 64 KiB).</summary>
    private const long PendingBound = 256 * 1024 + (16 * 64 * 1024) + 64 * 1024;

    [Fact]
    public async Task A_100_mb_transfer_through_the_proxy_to_a_late_reader_keeps_server_memory_bounded()
    {
        await using var server = await StartProxyServerAsync();
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);

        // Small transfers first let every relay loop (connections are dealt round-robin, two per bytestream) take
        // its buffer pool chunk (16 MiB, kept for the life of the process whatever the traffic), so that the
        // baseline holds them.
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            var (warmSource, warmTarget) = await OpenBytestreamAsync(proxy, initiator, "target@localhost/b", "warm-up-" + i);
            await using (warmSource)
            await using (warmTarget)
            {
                var warm = RandomNumberGenerator.GetBytes(256 * 1024);
                var echoed = warmTarget.ReadExactlyAsync(warm.Length);
                await warmSource.SendAsync(warm);
                await echoed;
            }
        }

        var baseline = LiveHeap();
        var (source, target) = await OpenBytestreamAsync(proxy, initiator, "target@localhost/b", "big", receiveBufferSize: 64 * 1024);
        await using (source)
        await using (target)
        {
            var expected = GeneratedStream.Sha256(Size, 42);
            var sending = Task.Run(async () =>
            {
                await using var file = new GeneratedStream(Size, 42);
                await file.CopyToAsync(source.Stream, 64 * 1024);
                source.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            });

            // The receiver waits until the sender is held back by TCP and the proxy's back-pressure.
            await WaitForStallAsync(server);
            var peakHeap = 0L;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long received = 0;
            var nextCheck = Size / 4;
            int read;
            while ((read = await target.Stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                received += read;
                if (received >= nextCheck && nextCheck < Size)
                {
                    peakHeap = Math.Max(peakHeap, LiveHeap() - baseline);
                    nextCheck += Size / 4;
                }
            }

            await sending;
            Assert.Equal(Size, received);
            Assert.Equal(expected, hash.GetHashAndReset());
            var pending = server.Host.Proxy!.Stats.PeakPendingBytes;
            output.WriteLine($"proxy: live heap growth {peakHeap / 1024} KiB, peak queued toward the receiver {pending / 1024} KiB");
            Assert.True(pending <= PendingBound, $"{pending} bytes were queued toward the receiver at once");
            Assert.True(peakHeap <= HeapGrowthBound, $"the live heap grew by {peakHeap} bytes");
        }
    }

    [Fact]
    public async Task A_100_mb_upload_is_streamed_to_disk_and_served_back_with_server_memory_bounded()
    {
        await using var server = await StartUploadServerAsync(u => u.MaxFileSize = Size);
        await using var client = await server.LoginAsync("alice");
        var (put, get) = await SlotAsync(client, "big.bin", Size);
        using var http = NewHttpClient();
        var baseline = LiveHeap();
        var peakHeap = 0L;
        using (var content = new StreamContent(new CheckpointStream(new GeneratedStream(Size, 7), Size / 4, () => peakHeap = Math.Max(peakHeap, LiveHeap() - baseline)), 64 * 1024))
        {
            content.Headers.ContentLength = Size;
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var created = await http.PutAsync(put, content);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        output.WriteLine($"upload: live heap growth {peakHeap / 1024} KiB");
        Assert.True(peakHeap <= HeapGrowthBound, $"the live heap grew by {peakHeap} bytes during the PUT");
        var stored = Assert.Single(StoredFiles(server), f => f.EndsWith(".data", StringComparison.Ordinal));
        Assert.Equal(Size, new FileInfo(stored).Length);

        using var response = await http.GetAsync(get, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal(GeneratedStream.Sha256(Size, 7), await SHA256.HashDataAsync(body));
    }

    /// <summary>Live managed bytes after a full, compacting collection.</summary>
    private static long LiveHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Waits (bounded) until the relay stops moving bytes: the sender is blocked behind the late reader.</summary>
    private static async Task WaitForStallAsync(TestKit.TestServer server)
    {
        var stats = server.Host.Proxy!.Stats;
        var last = -1L;
        for (var i = 0; i < 100; i++)
        {
            await Task.Delay(100);
            var now = stats.BytesRelayed;
            if (now == last && now > 0)
            {
                return;
            }

            last = now;
        }
    }

    /// <summary>Calls <paramref name="checkpoint"/> each time another <paramref name="every"/> bytes have been read.</summary>
    private sealed class CheckpointStream(Stream inner, long every, Action checkpoint) : Stream
    {
        private long _read;
        private long _passed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            if (_read - _passed >= every && _read < Length)
            {
                _passed += every;
                checkpoint();
            }

            return read;
        }
    }
}
