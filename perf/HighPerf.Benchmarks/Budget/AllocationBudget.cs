using System.Text.Json;

namespace HighPerf.Benchmarks.Budget;

/// <summary>perf/HighPerf.Benchmarks/allocation-budget.json: <c>{ "Class.Method": maxBytesPerOperation }</c>.</summary>
public static class AllocationBudget
{
    private static readonly Lazy<IReadOnlyDictionary<string, long>> s_entries = new(Load);

    public static IReadOnlyDictionary<string, long> Entries => s_entries.Value;

    private static Dictionary<string, long> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "allocation-budget.json");
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<Dictionary<string, long>>(stream)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
