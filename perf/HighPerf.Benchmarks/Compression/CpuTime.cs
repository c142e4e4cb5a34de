using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), for throughput figures that hold on a busy machine:
/// wall-clock means swing with whatever else runs, the time this thread spent computing does much less.
/// Each benchmark case is re-run in the host process when the table is printed.
/// </summary>
internal static partial class CpuTime
{
    private const int Warmup = 30;
    private const int Invocations = 300;

    private static readonly ConcurrentDictionary<string, double> Cache = new();

    /// <summary>CPU nanoseconds per stanza for the case (one invocation handles every stanza once).</summary>
    public static double NanosecondsPerStanza(BenchmarkCase benchmarkCase) => Cache.GetOrAdd(benchmarkCase.DisplayInfo, _ => Measure(benchmarkCase));

    private static double Measure(BenchmarkCase benchmarkCase)
    {
        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        var perFlush = (int)benchmarkCase.Parameters["StanzasPerFlush"];
        Func<long> operation;
        IDisposable owner;
        if (benchmarkCase.Parameters["Codec"] is CodecConfig codec)
        {
            var benchmark = new CompressionBenchmarks { Codec = codec, StanzasPerFlush = perFlush };
            benchmark.Setup();
            operation = method == nameof(CompressionBenchmarks.Deflate) ? () => benchmark.Deflate() : () => benchmark.Inflate();
            owner = benchmark;
        }
        else
        {
            var benchmark = new CompressionHandlerBenchmarks { StanzasPerFlush = perFlush, SenderResets = (bool)benchmarkCase.Parameters["SenderResets"] };
            benchmark.Setup();
            operation = method == nameof(CompressionHandlerBenchmarks.DeflateHandler) ? benchmark.DeflateHandler : benchmark.InflateHandler;
            owner = benchmark;
        }

        using (owner)
        {
            for (var i = 0; i < Warmup; i++)
            {
                operation();
            }

            var start = ThreadNanoseconds();
            for (var i = 0; i < Invocations; i++)
            {
                operation();
            }

            return (ThreadNanoseconds() - start) / (double)Invocations / CompressionData.StanzaCount;
        }
    }

    private static long ThreadNanoseconds()
    {
        if (ClockGetTime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    private const int ThreadCpuClock = 3;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
