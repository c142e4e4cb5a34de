using System.Globalization;

namespace HighPerf.Benchmarks.Budget;

/// <summary>
/// The benchmark program's own commands beside BenchmarkDotNet's: <c>--check-budget [substring]</c> measures every
/// budgeted operation in-process (as the CI test does, but in this Release build) and exits 1 on an overrun;
/// <c>--alloc-profile Class.Method</c> names the types an operation allocates.
/// </summary>
public static class BudgetCommands
{
    public static async Task<int> CheckAsync(string? filter)
    {
        var failures = 0;
        Console.WriteLine($"{"operation",-58} {"params",-22} {"B/op",10} {"budget",10}");
        foreach (var (key, budget) in AllocationBudget.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (filter is not null && !key.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var method = BenchmarkCase.Find(key);
            if (method is null)
            {
                Console.WriteLine($"{key,-58} {"",-22} {"missing",10} {budget,10}");
                failures++;
                continue;
            }

            using var benchmark = BenchmarkCase.Create(method);
            var (perOperation, _) = await AllocationMeter.MeasureAsync(benchmark);
            var over = perOperation > AllocationMeter.Limit(benchmark, budget);
            failures += over ? 1 : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key,-58} {benchmark.Parameters,-22} {perOperation,10:F1} {budget,10}{(over ? "  OVER" : "")}"));
        }

        Console.WriteLine(failures == 0 ? "allocation budget: all within" : $"allocation budget: {failures} over");
        return failures == 0 ? 0 : 1;
    }

    public static async Task<int> ProfileAsync(string key)
    {
        var method = BenchmarkCase.Find(key);
        if (method is null)
        {
            Console.Error.WriteLine($"{key}: no such benchmark (Class.Method).");
            return 2;
        }

        using var benchmark = BenchmarkCase.Create(method);
        await AllocationMeter.MeasureAsync(benchmark);
        using var profiler = new AllocationProfiler();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        profiler.Start();
        var operations = 0L;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            operations += (await AllocationMeter.MeasureAsync(benchmark)).Operations;
        }

        var samples = profiler.Stop();
        var total = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key} ({benchmark.Parameters}): {total / (double)Math.Max(1, operations):F1} B/op over {operations} operations (all threads)"));
        foreach (var (type, bytes) in samples.Take(20))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)Math.Max(1, operations),10:F1} B/op  {type}"));
        }

        return 0;
    }
}
