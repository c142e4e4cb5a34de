using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// idle: N sessions log in and are held for --duration. Two memory figures come from one run. The first method
/// divides the server's RSS after all logins (and a settle pause) minus its RSS before the first login by N, so it
/// charges to sessions whatever the server allocates once on first use (DotNetty's 16 MiB arena chunks, the GC's
/// allocation budget, FASTER's pages, JIT-compiled code). The second method logs a warm-up tenth in first and takes
/// the baseline after it (after a forced full collection, for our server), then divides the growth over the other
/// sessions by their number; for our server it also splits that growth into live managed heap, GC-committed memory
/// and glibc malloc's bytes in use and free (the stats file's figures after a requested collection).
/// </summary>
internal sealed partial class Runner
{
    private async Task IdleAsync()
    {
        var warm = Math.Max(1, options.Users / 10);
        await LoginRangeAsync(rosterFirst: false, 0, warm);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, options.DurationSeconds / 4))));
        var warmEstablished = Volatile.Read(ref _counters.Established);
        var baseline = await ServerStats.ReadAfterCollectionAsync(options.ServerStats);
        var rssBaseline = options.ServerPid > 0 ? ProcessStats.RssKiB(options.ServerPid) : -1;
        await LoginRangeAsync(rosterFirst: false, warm, options.Users);

        // Let the server settle (pending writes, lazily freed buffers) before taking its memory figure.
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, options.DurationSeconds / 2)));
        await _report.MarkLoadedAsync();
        var loaded = await ServerStats.ReadAfterCollectionAsync(options.ServerStats);
        var rssLoaded = options.ServerPid > 0 ? ProcessStats.RssKiB(options.ServerPid) : -1;
        _report.Warm = new WarmFigures(baseline, loaded, rssBaseline, rssLoaded, (int)(Volatile.Read(ref _counters.Established) - warmEstablished));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[loadgen] idle: {_report.Warm.Sessions} sessions after a warm-up of {warmEstablished}: {_report.Warm.RssKiBPerSession:F1} KiB RSS each"));
        _report.MarkWindowStart();
        await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds));
        _report.MarkWindowEnd();
    }
}

/// <summary>idle's second memory method: growth from the baseline after the warm-up to the loaded server, over the
/// <paramref name="Sessions"/> sessions that logged in after it (-1 where the server writes no stats or its pid is
/// unknown). Our server's figures are taken after a forced full, compacting collection.</summary>
internal sealed record WarmFigures(ServerStats? Baseline, ServerStats? Loaded, long RssBaselineKiB, long RssLoadedKiB, int Sessions)
{
    public double RssKiBPerSession => RssBaselineKiB < 0 || RssLoadedKiB < 0 || Sessions <= 0 ? -1 : (RssLoadedKiB - RssBaselineKiB) / (double)Sessions;

    public double HeapKiBPerSession => PerSession(s => s.HeapBytes);

    public double CommittedKiBPerSession => PerSession(s => s.CommittedBytes);

    public double NativeKiBPerSession => PerSession(s => s.NativeBytes);

    public double NativeFreeKiBPerSession => PerSession(s => s.NativeFreeBytes);

    private double PerSession(Func<ServerStats, long> figure) =>
        Baseline is null || Loaded is null || Sessions <= 0 || Loaded.RequestedCollections <= Baseline.RequestedCollections
            ? -1 : (figure(Loaded) - figure(Baseline)) / 1024.0 / Sessions;
}
