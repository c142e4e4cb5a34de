using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HighPerf.Benchmarks.Compression;

/// <summary>The figures a compression choice needs beside time and allocations: throughput of uncompressed
/// bytes, output size relative to input (deflate rows), and memory kept per compressed session.</summary>
internal sealed class CompressionColumn(CompressionColumn.Figure figure) : IColumn
{
    public enum Figure
    {
        Throughput,
        CpuThroughput,
        Ratio,
        SessionKiB,
    }

    public string Id => nameof(CompressionColumn) + figure;

    public string ColumnName => figure switch
    {
        Figure.Throughput => "MB/s",
        Figure.CpuThroughput => "MB/s (CPU)",
        Figure.Ratio => "Out/In",
        _ => "KiB/session",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)figure;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => figure switch
    {
        Figure.Throughput => "Megabytes (10^6) of uncompressed stanzas per second (wall clock, from Mean)",
        Figure.CpuThroughput => "Megabytes (10^6) of uncompressed stanzas per second of the thread's CPU time (re-run in the host; steadier on a busy machine)",
        Figure.Ratio => "Compressed bytes / uncompressed bytes (deflate rows)",
        _ => "Deflater + inflater memory kept per session after 4 KiB each way (managed + malloc)",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var config = benchmarkCase.Parameters["Codec"] as CodecConfig;
        switch (figure)
        {
            case Figure.Throughput:
                var nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
                var bytesPerOperation = (double)CompressionData.TotalBytes / CompressionData.StanzaCount;
                return nanoseconds is > 0 ? (bytesPerOperation / nanoseconds.Value * 1000).ToString("N0", CultureInfo.InvariantCulture) : "-";
            case Figure.CpuThroughput:
                var cpu = CpuTime.NanosecondsPerStanza(benchmarkCase);
                return ((double)CompressionData.TotalBytes / CompressionData.StanzaCount / cpu * 1000).ToString("N0", CultureInfo.InvariantCulture);
            case Figure.Ratio:
                if (!benchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith("Deflate", StringComparison.Ordinal))
                {
                    return "-";
                }

                var perFlush = (int)benchmarkCase.Parameters["StanzasPerFlush"];
                if (config is null)
                {
                    var resets = (bool)benchmarkCase.Parameters["SenderResets"];
                    return CompressionHandlerBenchmarks.Ratio(perFlush, resets).ToString("F3", CultureInfo.InvariantCulture);
                }

                using (var deflater = DeflateUnderTest.Create(config))
                {
                    ReplayStream.WriteBatches(deflater, perFlush);
                    return ((double)deflater.Output.Length / CompressionData.TotalBytes).ToString("F3", CultureInfo.InvariantCulture);
                }

            default:
                return config is null ? "-" : SessionMemory.KiBPerSession(config).ToString("F1", CultureInfo.InvariantCulture);
        }
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
