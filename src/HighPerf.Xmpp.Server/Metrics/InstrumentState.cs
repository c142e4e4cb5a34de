using System.Diagnostics.Metrics;

namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>How an instrument's measurements combine in the exposition.</summary>
internal enum AggregationKind : byte
{
    /// <summary>Counter: a running sum, exposed as a Prometheus counter.</summary>
    Sum,

    /// <summary>UpDownCounter: a running sum that may fall, exposed as a gauge.</summary>
    UpDownSum,

    /// <summary>Histogram: buckets, sum and count.</summary>
    Histogram,

    /// <summary>Observable counter: the cumulative value last reported, exposed as a counter.</summary>
    LastCumulative,

    /// <summary>Observable gauge or up-down counter: the value last reported.</summary>
    LastValue,
}

/// <summary>
/// The collector's state for one instrument: its series, one per tag combination seen. The series list is
/// copy-on-write: recording scans it without locking and only a new tag combination takes the lock (a handful of
/// times per instrument over the server's life).
/// </summary>
internal sealed class InstrumentState
{
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly Lock _gate = new();
    private MetricSeries[] _series = [];

    public InstrumentState(Instrument instrument)
    {
        Instrument = instrument;
        Kind = instrument switch
        {
            Counter<long> or Counter<double> or Counter<int> => AggregationKind.Sum,
            UpDownCounter<long> or UpDownCounter<double> or UpDownCounter<int> => AggregationKind.UpDownSum,
            Histogram<double> or Histogram<long> or Histogram<int> => AggregationKind.Histogram,
            ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int> => AggregationKind.LastCumulative,
            _ => AggregationKind.LastValue,
        };
        Bounds = Kind != AggregationKind.Histogram ? [] : instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
            Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(static b => (double)b)],
            _ => DefaultBounds,
        };
    }

    public Instrument Instrument { get; }

    public AggregationKind Kind { get; }

    public double[] Bounds { get; }

    public MetricSeries[] Series => Volatile.Read(ref _series);

    public MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var series in Volatile.Read(ref _series))
        {
            if (series.Matches(tags))
            {
                return series;
            }
        }

        return Add(tags);
    }

    private MetricSeries Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            foreach (var series in _series)
            {
                if (series.Matches(tags))
                {
                    return series;
                }
            }

            var added = new MetricSeries(tags.ToArray(), Bounds);
            Volatile.Write(ref _series, [.. _series, added]);
            return added;
        }
    }
}
