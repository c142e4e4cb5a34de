namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>
/// One instrument's values for one set of tag values. Sums and histogram counts are striped by processor, each
/// stripe on its own cache lines, so that event loops recording the same counter do not contend on one line;
/// a scrape adds the stripes up. Observable instruments keep the last value reported.
/// </summary>
internal sealed class MetricSeries
{
    /// <summary>longs per cache line: stripes start this far apart.</summary>
    private const int LineLongs = 8;

    private static readonly int StripeMask = StripeCountFor(Environment.ProcessorCount) - 1;

    private readonly long[] _counts;
    private readonly double[] _sums;
    private readonly int _stride;
    private readonly double[] _bounds;
    private double _last;

    public MetricSeries(KeyValuePair<string, object?>[] tags, double[] bounds)
    {
        Tags = tags;
        _bounds = bounds;

        // Per stripe: the sum count (index 0) then one count per bucket (bounds + the +Inf bucket).
        _stride = RoundUp(bounds.Length + 2, LineLongs);
        _counts = new long[(StripeMask + 1) * _stride];
        _sums = new double[(StripeMask + 1) * LineLongs];
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public double[] Bounds => _bounds;

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Tags.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (!string.Equals(tags[i].Key, Tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, Tags[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public void Add(long value) => Interlocked.Add(ref _counts[Stripe() * _stride], value);

    public void Add(double value)
    {
        ref var sum = ref _sums[Stripe() * LineLongs];
        double seen, updated;
        do
        {
            seen = Volatile.Read(ref sum);
            updated = seen + value;
        }
        while (Interlocked.CompareExchange(ref sum, updated, seen) != seen);
    }

    public void Record(double value)
    {
        var stripe = Stripe();
        var bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[(stripe * _stride) + 1 + bucket]);
        Add(value);
    }

    public void Set(double value) => Volatile.Write(ref _last, value);

    public double Last => Volatile.Read(ref _last);

    /// <summary>The long sum over the stripes (counters and up-down counters of long).</summary>
    public long SumLong()
    {
        long total = 0;
        for (var i = 0; i < _counts.Length; i += _stride)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        return total;
    }

    /// <summary>The double sum over the stripes (double counters and histogram sums).</summary>
    public double SumDouble()
    {
        double total = 0;
        for (var i = 0; i < _sums.Length; i += LineLongs)
        {
            total += Volatile.Read(ref _sums[i]);
        }

        return total;
    }

    /// <summary>Histogram bucket counts (not cumulative), the last one being +Inf.</summary>
    public long[] BucketCounts()
    {
        var buckets = new long[_bounds.Length + 1];
        for (var stripe = 0; stripe < _counts.Length; stripe += _stride)
        {
            for (var b = 0; b < buckets.Length; b++)
            {
                buckets[b] += Volatile.Read(ref _counts[stripe + 1 + b]);
            }
        }

        return buckets;
    }

    private static int Stripe() => Thread.GetCurrentProcessorId() & StripeMask;

    private static int StripeCountFor(int processors)
    {
        var count = 1;
        while (count < processors && count < 64)
        {
            count <<= 1;
        }

        return count;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
