using BenchmarkDotNet.Attributes;
using HighPerf.Benchmarks.Budget;
using Xunit.Abstractions;

namespace HighPerf.Benchmarks.Budget.Tests;

/// <summary>
/// CI's allocation check (STYLE.md #18): every budgeted benchmark operation allocates no more than its entry in
/// allocation-budget.json. Runs the benchmark code itself, in-process, at each class's first parameter values;
/// the whole set takes seconds, against minutes for even a BenchmarkDotNet dry job. The same check runs in a
/// Release build with <c>dotnet run -c Release --project perf/HighPerf.Benchmarks -- --check-budget</c>, and a full
/// BenchmarkDotNet run's JSON export is checked by perf/HighPerf.Benchmarks/check-budget.py.
/// </summary>
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    public static TheoryData<string> BudgetedOperations() => [.. AllocationBudget.Entries.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(BudgetedOperations))]
    public async Task Operation_allocates_within_its_budget(string key)
    {
        var method = BenchmarkCase.Find(key);
        Assert.True(method is not null && method.IsDefined(typeof(BenchmarkAttribute), inherit: false), $"{key} in allocation-budget.json is not a [Benchmark] method.");
        var budget = AllocationBudget.Entries[key];
        using var benchmark = BenchmarkCase.Create(method);
        var (perOperation, operations) = await AllocationMeter.MeasureAsync(benchmark);
        output.WriteLine($"{key} ({benchmark.Parameters}): {perOperation:F1} B/op over {operations} operations; budget {budget} B");

        Assert.True(perOperation <= AllocationMeter.Limit(benchmark, budget), $"{key} ({benchmark.Parameters}) allocates {perOperation:F1} B per operation; its budget is {budget} B.");
    }

    [Fact]
    public void Every_benchmark_class_has_the_memory_diagnoser()
    {
        var missing = BenchmarkCase.BenchmarkTypes.Where(t => !t.IsDefined(typeof(MemoryDiagnoserAttribute), inherit: true)).Select(t => t.Name).ToArray();
        Assert.True(missing.Length == 0, $"[MemoryDiagnoser] missing on {string.Join(", ", missing)}.");
    }

    // Per class, not per method: classes also hold comparison variants (baselines, candidate hashes) that carry no budget.
    [Fact]
    public void Every_benchmark_class_has_a_budget()
    {
        var missing = BenchmarkCase.BenchmarkTypes
            .Where(t => !AllocationBudget.Entries.Keys.Any(key => key.StartsWith(t.Name + ".", StringComparison.Ordinal)))
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(missing.Length == 0, $"No entry in perf/HighPerf.Benchmarks/allocation-budget.json for {string.Join(", ", missing)}.");
    }
}
