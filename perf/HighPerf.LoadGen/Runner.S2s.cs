using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace HighPerf.LoadGen;

/// <summary>
/// The s2s-chat scenario: N senders on the server at --host and N receivers on a federated server of another
/// domain (--peer-host/--peer-port/--peer-domain). Every message crosses the one s2s link between the two domains:
/// each sender sends --rate messages per second to random receivers (their full JIDs from bind), with its send
/// timestamp in the body, as in chat. One warm-up message sets the link up (connect, TLS, dialback) before the
/// measured window.
/// </summary>
internal sealed partial class Runner
{
    private readonly List<XmppClient> _peerClients = [];

    private async Task S2sChatAsync()
    {
        var peer = options.ForPeer();
        var peerEndPoint = new IPEndPoint(peer.HostAddress, peer.Port);
        await LoginAllAsync(rosterFirst: false);
        await LoginRangeAsync(rosterFirst: false, 0, options.Users, peer, peerEndPoint, _peerClients);
        XmppClient[] senders;
        XmppClient[] receivers;
        lock (_clients)
        {
            senders = [.. _clients];
            receivers = [.. _peerClients];

            // Closed at the end like the others.
            _clients.AddRange(_peerClients);
        }

        if (senders.Length == 0 || receivers.Length == 0)
        {
            Console.Error.WriteLine("[loadgen] s2s-chat needs established sessions on both servers");
            return;
        }

        if (!await WarmUpLinkAsync(senders[0], receivers[0].FullJid))
        {
            Console.Error.WriteLine("[loadgen] s2s-chat: the warm-up message did not cross within 60 s");
            return;
        }

        var peers = receivers.Select(c => c.FullJid).ToArray();
        var pacers = Math.Max(1, Math.Min(Environment.ProcessorCount, senders.Length));
        var total = options.Rate * senders.Length;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        _report.TargetRate = total;
        await _report.MarkLoadedAsync();
        _report.MarkWindowStart();
        var lag = await Task.WhenAll(Enumerable.Range(0, pacers).Select(p =>
            Task.Run(() => PaceAsync(senders.Where((_, i) => i % pacers == p).ToArray(), (_, random) => peers[random.Next(peers.Length)], total / pacers, duration, seed: p))));
        _report.SendSeconds = duration.TotalSeconds;
        _report.PacerBehind = lag.Sum();

        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref _counters.Delivered) + Volatile.Read(ref _counters.MessageErrors) < Volatile.Read(ref _counters.Sent)
            && drain.Elapsed.TotalSeconds < options.DrainSeconds)
        {
            await Task.Delay(50);
        }

        _report.MarkWindowEnd();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] sent {_counters.Sent}, delivered {_counters.Delivered} across s2s (drain {drain.Elapsed.TotalSeconds:F1} s)"));
    }

    /// <summary>One message across before the window: the link's setup is not part of the figures.</summary>
    private async Task<bool> WarmUpLinkAsync(XmppClient sender, byte[] receiver)
    {
        var before = Volatile.Read(ref _counters.Delivered);
        var buffer = new byte[1024];
        await sender.SendAsync(buffer.AsMemory(0, FormatMessage(buffer, receiver)));
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _counters.Delivered) == before && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        // The warm-up is not a measured message: start the counters and the latency from zero.
        var crossed = Volatile.Read(ref _counters.Delivered) > before;
        Interlocked.Exchange(ref _counters.Delivered, 0);
        _latency.Reset();
        return crossed;
    }
}
