using System.Diagnostics;
using System.Net;

namespace HighPerf.TlsMemory;

/// <summary>Opens N connections, exchanges a stanza on each, reports "CONNECTED n ms failures", holds them until stdin closes.</summary>
internal static class IdleClientMode
{
    public static async Task<int> RunAsync(Options options)
    {
        var port = options.Int("port", 5222);
        var count = options.Int("count", 1000);
        var tls = options.Get("tls", "13");
        var block = options.Int("block", 2);
        var xmpp = options.Get("xmpp", "0") == "1";
        var streams = new Stream[count];
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    streams[i] = await TlsClient.ConnectAsync(TlsClient.Source(block, i), port, tls);
                    await (xmpp ? TlsClient.OpenStreamAsync(streams[i]) : TlsClient.ExchangeAsync(streams[i]));
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Int("concurrency", 16)).Select(_ => Task.Run(Worker)));
        Console.WriteLine($"CONNECTED {count - failures} {clock.ElapsedMilliseconds} {failures}");

        while (Console.ReadLine() is { } line && line != "quit")
        {
        }

        foreach (var stream in streams)
        {
            stream?.Dispose();
        }

        return 0;
    }
}
