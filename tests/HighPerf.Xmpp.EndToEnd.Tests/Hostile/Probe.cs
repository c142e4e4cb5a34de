using System.Diagnostics;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>A normal pair of clients that proves the server still answers while a hostile client does its worst.</summary>
public sealed class Probe : IAsyncDisposable
{
    private readonly XmppTestClient _sender;
    private readonly XmppTestClient _receiver;
    private int _sequence;

    private Probe(XmppTestClient sender, XmppTestClient receiver)
    {
        _sender = sender;
        _receiver = receiver;
    }

    public static async Task<Probe> StartAsync(TestServer server, string user = "carol")
        => new(await server.LoginAsync(user, "probe-a"), await server.LoginAsync(user, "probe-b"));

    /// <summary>One message from one probe client to the other; fails when it takes longer than <paramref name="limit"/>.</summary>
    public async Task<TimeSpan> RoundTripAsync(TimeSpan? limit = null)
    {
        var id = "probe" + Interlocked.Increment(ref _sequence);
        var watch = Stopwatch.StartNew();
        await _sender.SendAsync($"<message to='{_receiver.Jid}' id='{id}'><body>are you there?</body></message>");
        await _receiver.ExpectAsync(Wire.Reply(id), limit ?? TimeSpan.FromSeconds(3));
        return watch.Elapsed;
    }

    /// <summary>Round trips every <paramref name="interval"/> until <paramref name="stop"/>; returns how many ran.</summary>
    public async Task<int> KeepProbingAsync(CancellationToken stop, TimeSpan? interval = null)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            await RoundTripAsync();
            count++;
            try
            {
                await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100), stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}
