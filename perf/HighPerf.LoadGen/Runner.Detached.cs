using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// detached: what a XEP-0198 session costs while its client is away. A warm-up tenth of the sessions logs in first
/// (so that pools the server allocates once, such as DotNetty's 16 MiB arena chunks, are not charged to sessions),
/// then the server's heap after a forced full collection (our server's stats file) and its RSS are the baseline.
/// The other sessions log in; all enable stream management with resumption; figures again (attached). Then the
/// non-warm-up sessions drop their connections with a reset (no closing tag), the server detaches them, the first
/// session queues --messages chat messages for each, and the figures are taken a third time (detached). Per-session
/// values divide by the sessions after the warm-up.
/// </summary>
internal sealed partial class Runner
{
    private async Task DetachedAsync()
    {
        var warm = Math.Max(1, options.Users / 10);
        await LoginRangeAsync(rosterFirst: false, 0, warm);
        var baseline = await ServerStats.ReadAfterCollectionAsync(options.ServerStats);
        var rssBaseline = options.ServerPid > 0 ? ProcessStats.RssKiB(options.ServerPid) : -1;
        await LoginRangeAsync(rosterFirst: false, warm, options.Users);
        XmppClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients.OrderBy(c => c.Index)];
        }

        foreach (var client in clients)
        {
            await client.SendAsync("<enable xmlns='urn:xmpp:sm:3' resume='true'/>"u8.ToArray());
        }

        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, options.DurationSeconds / 4))));
        var attached = await ServerStats.ReadAfterCollectionAsync(options.ServerStats);
        var rssAttached = options.ServerPid > 0 ? ProcessStats.RssKiB(options.ServerPid) : -1;

        var sender = clients[0];
        var dropped = clients.Where(c => c.Index >= warm).ToArray();
        foreach (var client in dropped)
        {
            client.Abort();
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // the server sees the resets and detaches
        var body = new string('m', 100);
        for (var m = 0; m < options.Messages; m++)
        {
            foreach (var client in dropped)
            {
                var to = System.Text.Encoding.UTF8.GetString(client.FullJid);
                await sender.SendTextAsync($"<message to='{to}' type='chat' id='d{m}-{client.Index}'><body>{body}</body></message>", CancellationToken.None);
                Interlocked.Increment(ref _counters.Sent);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(Math.Max(3, options.DurationSeconds / 2)));
        var detached = await ServerStats.ReadAfterCollectionAsync(options.ServerStats);
        var rssDetached = options.ServerPid > 0 ? ProcessStats.RssKiB(options.ServerPid) : -1;
        _report.Detached = new DetachedFigures(baseline, attached, detached, rssBaseline, rssAttached, rssDetached, dropped.Length, options.Messages);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[loadgen] detached: {dropped.Length} sessions dropped, {options.Messages} messages queued for each"));
        lock (_clients)
        {
            _clients.RemoveAll(c => c.Closed);
        }
    }
}

/// <summary>The detached scenario's memory figures for <paramref name="Sessions"/> sessions after the warm-up (heap after a
/// forced collection; -1 where the server writes no stats or its pid is unknown).</summary>
internal sealed record DetachedFigures(ServerStats? Baseline, ServerStats? Attached, ServerStats? Detached, long RssBaselineKiB,
    long RssAttachedKiB, long RssDetachedKiB, int Sessions, int MessagesEach)
{
    public double HeapKiBPerAttached => Baseline is null || Attached is null || Sessions == 0 ? -1 : (Attached.HeapBytes - Baseline.HeapBytes) / 1024.0 / Sessions;

    public double HeapKiBPerDetached => Baseline is null || Detached is null || Sessions == 0 ? -1 : (Detached.HeapBytes - Baseline.HeapBytes) / 1024.0 / Sessions;

    public double RssKiBPerAttached => RssBaselineKiB < 0 || Sessions == 0 ? -1 : (RssAttachedKiB - RssBaselineKiB) / (double)Sessions;
}
