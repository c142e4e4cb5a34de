using System.Diagnostics;
using System.Text;

namespace HighPerf.TlsMemory;

/// <summary>CPU-bound client loops: full handshakes, or stanza-sized writes echoed back.</summary>
internal static class LoadMode
{
    public static async Task<int> HandshakesAsync(Options options)
    {
        var port = options.Int("port", 5222);
        var tls = options.Get("tls", "13");
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 10));
        long done = 0, failed = 0, index = 0;

        async Task Worker()
        {
            while (deadline.Elapsed < limit)
            {
                try
                {
                    await using var stream = await TlsClient.ConnectAsync(TlsClient.Source(options.Int("block", 3), (int)Interlocked.Increment(ref index)), port, tls);
                    await TlsClient.ExchangeAsync(stream);
                    Interlocked.Increment(ref done);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Int("concurrency", 4)).Select(_ => Task.Run(Worker)));
        Console.WriteLine($"HANDSHAKES {done} {deadline.ElapsedMilliseconds} {failed}");
        return 0;
    }

    public static async Task<int> ThroughputAsync(Options options)
    {
        var port = options.Int("port", 5222);
        var tls = options.Get("tls", "13");
        var limit = TimeSpan.FromSeconds(options.Int("seconds", 10));
        var stanza = Encoding.UTF8.GetBytes($"<message to='juliet@localhost/balcony' type='chat' id='{Guid.Empty}'><body>{new string('x', options.Int("body", 300))}</body></message>");
        var clock = Stopwatch.StartNew();
        long echoed = 0;

        async Task Connection(int i)
        {
            await using var stream = await TlsClient.ConnectAsync(TlsClient.Source(4, i), port, tls);
            using var stop = new CancellationTokenSource(limit);

            // One stanza per write, as a client sends them; the reader counts what comes back.
            var writer = Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(stanza, stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
            var buffer = new byte[65536];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    Interlocked.Add(ref echoed, n);
                }
            }
            catch (OperationCanceledException)
            {
            }

            await writer;
        }

        await Task.WhenAll(Enumerable.Range(0, options.Int("connections", 8)).Select(Connection));
        Console.WriteLine($"THROUGHPUT {echoed} {clock.ElapsedMilliseconds}");
        return 0;
    }
}
