using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HighPerf.Benchmarks.Tokenizer;

/// <summary>MB/s of stream bytes, from the mean time per operation (one operation = one stanza).</summary>
internal sealed class ThroughputColumn(double bytesPerOperation) : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Megabytes (10^6) of stream tokenized per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return nanoseconds is > 0 ? (bytesPerOperation / nanoseconds.Value * 1000).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
