using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using HighPerf.Benchmarks.Budget;

namespace HighPerf.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is ["--check-budget", .. var filter])
        {
            return await BudgetCommands.CheckAsync(filter.FirstOrDefault());
        }

        if (args is ["--alloc-profile", var key])
        {
            return await BudgetCommands.ProfileAsync(key);
        }

        // A shared 2-core machine can take more than BenchmarkDotNet's default 2 minutes to build the boilerplate.
        var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
