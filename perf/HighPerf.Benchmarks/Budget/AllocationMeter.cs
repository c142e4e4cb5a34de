using System.Diagnostics;

namespace HighPerf.Benchmarks.Budget;

/// <summary>
/// Bytes allocated per operation of a <see cref="BenchmarkCase"/>, measured as BenchmarkDotNet's MemoryDiagnoser
/// does (allocation counter deltas around many invocations, divided by invocations × OperationsPerInvoke), after
/// a warm-up as long as the measurement so that first-use costs (pools, thread statics, lazy tables) are excluded.
/// A synchronous operation is measured on the calling thread alone (GC.GetAllocatedBytesForCurrentThread, exact and
/// blind to other threads); an asynchronous one on the whole process (GC.GetTotalAllocatedBytes), since its
/// continuations run elsewhere.
/// </summary>
public static class AllocationMeter
{
    private const int MinInvocations = 8;
    private const int MaxInvocations = 256;
    private static readonly TimeSpan s_targetTime = TimeSpan.FromMilliseconds(250);

    // Async operations are measured process-wide, so other threads add a little noise.
    private const double AsyncTolerance = 1.10;

    // A non-zero budget is a pooled object's wrapper or a DotNetty promise; its pool grows now and then (a recycler
    // stack refilled after a GC), which shows as a fraction of a byte or two per operation on a loaded machine.
    private const double PooledTolerance = 1.02;

    /// <summary>The highest bytes per operation that still meets <paramref name="budget"/>: BenchmarkDotNet reports
    /// whole bytes, so a fraction of a byte is amortized growth, not a per-operation allocation. A zero budget
    /// stays strict.</summary>
    public static double Limit(BenchmarkCase benchmark, long budget)
        => benchmark.Async is not null ? (budget * AsyncTolerance) + 0.5 : (budget * PooledTolerance) + 0.5;

    public static async Task<(double BytesPerOperation, long Operations)> MeasureAsync(BenchmarkCase benchmark)
    {
        // Warm-up: as many invocations as the measurement will make (also sizes the measurement).
        var warmUp = await RunAsync(benchmark, MaxInvocations, s_targetTime, measure: false);
        var (count, bytes) = await RunAsync(benchmark, Math.Max(MinInvocations, warmUp.Count), TimeSpan.MaxValue, measure: true);
        var operations = (long)count * benchmark.OperationsPerInvoke;
        return (bytes / (double)operations, operations);
    }

    private static async Task<(int Count, long Bytes)> RunAsync(BenchmarkCase benchmark, int max, TimeSpan budget, bool measure)
    {
        benchmark.IterationSetup();
        var clock = Stopwatch.StartNew();
        var count = 0;
        if (benchmark.Sync is { } sync)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            while (count < max && (count < MinInvocations || clock.Elapsed < budget))
            {
                sync();
                count++;
            }

            return (count, measure ? GC.GetAllocatedBytesForCurrentThread() - before : 0);
        }

        var run = benchmark.Async!;
        var start = GC.GetTotalAllocatedBytes(precise: true);
        while (count < max && (count < MinInvocations || clock.Elapsed < budget))
        {
            await run().ConfigureAwait(false);
            count++;
        }

        return (count, measure ? GC.GetTotalAllocatedBytes(precise: true) - start : 0);
    }
}
