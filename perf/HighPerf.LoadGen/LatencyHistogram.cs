using System.Numerics;

namespace HighPerf.LoadGen;

/// <summary>
/// A log-linear histogram in the spirit of HdrHistogram: 64 linear sub-buckets per power of two (values below 64
/// exact, then within 1/64 ≈ 1.6 %), a fixed array, lock-free recording (one Interlocked add), nothing allocated
/// when recording. Values are in nanoseconds (any non-negative long).
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int Sub = 1 << SubBits;
    private readonly long[] _counts = new long[Sub * (64 - SubBits + 1)];
    private long _count;
    private long _max;
    private long _sum;

    public long Count => Volatile.Read(ref _count);

    public long Max => Volatile.Read(ref _max);

    public double Mean => Count == 0 ? 0 : Volatile.Read(ref _sum) / (double)Count;

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref _counts[Index(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Volatile.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Forgets every recording (between phases; not while others record).</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _max, 0);
        Volatile.Write(ref _sum, 0);
    }

    /// <summary>The value at or below which <paramref name="percentile"/> % of recordings lie (bucket upper bound).</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

    private static int Index(long value)
    {
        if (value < Sub)
        {
            return (int)value;
        }

        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBits;
        return ((shift + 1) << SubBits) + (int)((value >> shift) & (Sub - 1));
    }

    private static long UpperBound(int index)
    {
        if (index < Sub)
        {
            return index;
        }

        var shift = (index >> SubBits) - 1;
        var sub = index & (Sub - 1);
        return ((long)(Sub + sub + 1) << shift) - 1;
    }
}
