using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// The chat scenario: each session sends --rate messages per second to random online peers (full JIDs from their
/// bind results), with its send timestamp in the body. Over several nodes (--endpoints) the peer is on another node
/// with the probability --cross-node gives (<see cref="PeerPicker"/>), and the nodes' link counters (--metrics) say
/// how many messages really crossed. One pacer per core walks its share of the sessions on a
/// 1 ms timer and sends what is due; a pacer that falls behind its schedule is the generator saturating.
/// </summary>
internal sealed partial class Runner
{
    private async Task ChatAsync()
    {
        XmppClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        if (clients.Length < 2)
        {
            Console.Error.WriteLine("[loadgen] chat needs at least 2 established sessions");
            return;
        }

        // Positions in 'clients' by user index, and each session's node, for the recipient choice.
        var positionOf = new int[options.Users];
        for (var i = 0; i < clients.Length; i++)
        {
            positionOf[clients[i].Index] = i;
        }

        var nodes = options.Endpoints.Length;
        var picker = new PeerPicker([.. clients.Select(c => NodePlacement.NodeOf(c.Index, nodes))], nodes, options.CrossNode);
        byte[] PickPeer(XmppClient sender, Random random) => clients[picker.Pick(positionOf[sender.Index], random)].FullJid;

        var pacers = Math.Max(1, Math.Min(Environment.ProcessorCount, clients.Length / 2));
        var total = options.Rate * clients.Length;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        _report.TargetRate = total;
        _report.ExpectedCrossFraction = nodes > 1 ? picker.ExpectedCrossFraction : 0;
        await _report.MarkLoadedAsync();
        _report.MarkWindowStart();
        _report.NodesBefore = await NodeMetrics.ScrapeAsync(options.MetricsEndpoints);
        var lag = await Task.WhenAll(Enumerable.Range(0, pacers).Select(p =>
            Task.Run(() => PaceAsync(clients.Where((_, i) => i % pacers == p).ToArray(), PickPeer, total / pacers, duration, seed: p))));
        _report.SendSeconds = duration.TotalSeconds;
        _report.PacerBehind = lag.Sum();

        // Wait for messages in flight, bounded.
        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref _counters.Delivered) + Volatile.Read(ref _counters.MessageErrors) < Volatile.Read(ref _counters.Sent)
            && drain.Elapsed.TotalSeconds < options.DrainSeconds)
        {
            await Task.Delay(50);
        }

        _report.NodesAfter = await NodeMetrics.ScrapeAsync(options.MetricsEndpoints);
        _report.MarkWindowEnd();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] sent {_counters.Sent}, delivered {_counters.Delivered} (drain {drain.Elapsed.TotalSeconds:F1} s)"));
    }

    /// <summary>Sends this pacer's share; returns how many messages it was behind schedule at the end.</summary>
    /// <param name="pickPeer">The recipient's full JID for a message from the given sender (never the sender's own).</param>
    private async Task<long> PaceAsync(XmppClient[] mine, Func<XmppClient, Random, byte[]> pickPeer, double rate, TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1024];
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        long sent = 0;
        var next = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(rate * clock.Elapsed.TotalSeconds);
            while (sent < due && clock.Elapsed < duration)
            {
                var client = mine[next++ % mine.Length];
                if (client.Closed)
                {
                    sent++;
                    continue;
                }

                var peer = pickPeer(client, random);
                var length = FormatMessage(buffer, peer);
                try
                {
                    await client.SendAsync(buffer.AsMemory(0, length));
                    Interlocked.Increment(ref _counters.Sent);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                }

                sent++;
            }

            await timer.WaitForNextTickAsync();
        }

        return Math.Max(0, (long)(rate * duration.TotalSeconds) - sent);
    }

    /// <summary>&lt;message to='peer' type='chat'&gt;&lt;body&gt;L{timestamp}&lt;/body&gt;&lt;/message&gt; into <paramref name="buffer"/>; allocation-free.</summary>
    private static int FormatMessage(byte[] buffer, byte[] peer)
    {
        var span = buffer.AsSpan();
        var at = Write(span, 0, "<message to='"u8);
        at = Write(span, at, peer);
        at = Write(span, at, "' type='chat'><body>L"u8);
        Utf8Formatter.TryFormat(Stopwatch.GetTimestamp(), span[at..], out var written);
        at += written;
        return Write(span, at, "</body></message>"u8);
    }

    private static int Write(Span<byte> buffer, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer[at..]);
        return at + bytes.Length;
    }
}
