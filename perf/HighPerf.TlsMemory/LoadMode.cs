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
        var count = options.Int("count", 1000);
        long done = 0, failed = 0, index = 0;

        async Task Worker()
        {
            while (Interlocked.Increment(ref index) <= count)
            {
                try
                {
                    await using var stream = await TlsClient.ConnectAsync(TlsClient.Source(options.Int("block", 3), (int)Interlocked.Read(ref index)), port, tls);
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
        var perConnection = options.Int("stanzas", 20_000);
        var stanza = Encoding.UTF8.GetBytes($"<message to='juliet@localhost/balcony' type='chat' id='{Guid.Empty}'><body>{new string('x', options.Int("body", 300))}</body></message>");
        var clock = Stopwatch.StartNew();
        long echoed = 0;

        async Task Connection(int i)
        {
            await using var stream = await TlsClient.ConnectAsync(TlsClient.Source(options.Int("block", 4), i), port, tls);

            // One stanza per write, as a client sends them; the reader waits for all of them to come back.
            var writer = Task.Run(async () =>
            {
                for (var k = 0; k < perConnection; k++)
                {
                    await stream.WriteAsync(stanza);
                }
            });
            var buffer = new byte[65536];
            var expected = (long)perConnection * stanza.Length;
            var received = 0L;
            while (received < expected)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                received += n;
            }

            Interlocked.Add(ref echoed, received);
            await writer;
        }

        await Task.WhenAll(Enumerable.Range(0, options.Int("connections", 8)).Select(Connection));
        Console.WriteLine($"THROUGHPUT {echoed} {clock.ElapsedMilliseconds}");
        return 0;
    }
}
