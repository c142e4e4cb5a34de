namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>
/// Unicode Normalization Form C (UAX #15) over code points, from our own tables. .NET's
/// <c>string.Normalize</c> needs ICU and under <c>InvariantGlobalization</c> silently returns its input
/// unchanged, so the server carries the data (Unicode 16.0, the version of .NET 10's casing and categories).
/// </summary>
internal static class Nfc
{
    /// <summary>No code point has a full canonical decomposition longer than this (U+1FAF and friends).</summary>
    public const int MaxDecompositionLength = 4;

    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>Quick check (UAX #15 §9): true when the sequence is certainly in NFC already.</summary>
    public static bool IsNormalized(ReadOnlySpan<int> codePoints)
    {
        var lastClass = 0;
        foreach (var cp in codePoints)
        {
            if (cp < 0x300)
            {
                lastClass = 0;
                continue;
            }

            var properties = UnicodeRuns.Find(NormalizationTables.CombiningRuns, 10, cp);
            var combiningClass = properties & 0xFF;
            if ((properties >> 8) != 0 || (combiningClass != 0 && lastClass > combiningClass))
            {
                return false;
            }

            lastClass = combiningClass;
        }

        return true;
    }

    /// <summary>
    /// Appends the canonical decomposition of <paramref name="codePoint"/> at <paramref name="count"/>, keeping
    /// combining marks in canonical order; returns the new count. Room for
    /// <see cref="MaxDecompositionLength"/> more code points is the caller's duty.
    /// </summary>
    public static int AppendDecomposed(int codePoint, Span<int> buffer, int count)
    {
        var s = codePoint - SBase;
        if ((uint)s < SCount)
        {
            buffer[count++] = LBase + (s / NCount);
            buffer[count++] = VBase + (s % NCount / TCount);
            if (s % TCount != 0)
            {
                buffer[count++] = TBase + (s % TCount);
            }

            return count;
        }

        var index = codePoint < 0xC0 ? -1 : FindDecomposition(codePoint);
        if (index < 0)
        {
            return Insert(codePoint, buffer, count);
        }

        var table = NormalizationTables.Decompositions;
        count = AppendDecomposed((int)table[index + 1], buffer, count);
        var second = (int)table[index + 2];
        return second == 0 ? count : AppendDecomposed(second, buffer, count);
    }

    /// <summary>Canonical composition in place over a decomposed, canonically ordered sequence; returns the new length.</summary>
    public static int Compose(Span<int> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var starter = UnicodeRuns.CombiningClass(buffer[0]) == 0 ? 0 : -1;

        // -1: the previous kept code point is the starter itself; otherwise the class of the previous kept mark.
        var lastClass = starter == 0 ? -1 : 256;
        var length = 1;
        for (var i = 1; i < buffer.Length; i++)
        {
            var cp = buffer[i];
            var combiningClass = UnicodeRuns.CombiningClass(cp);
            if (starter >= 0 && (lastClass == -1 || (lastClass != 0 && lastClass < combiningClass)))
            {
                var composite = Composite(buffer[starter], cp, adjacent: lastClass == -1);
                if (composite >= 0)
                {
                    buffer[starter] = composite;
                    continue;
                }
            }

            if (combiningClass == 0)
            {
                starter = length;
                lastClass = -1;
            }
            else
            {
                lastClass = combiningClass;
            }

            buffer[length++] = cp;
        }

        return length;
    }

    private static int Insert(int codePoint, Span<int> buffer, int count)
    {
        // Canonical ordering (UAX #15 §3.11): a mark moves left past marks of a higher class, never past a starter.
        var combiningClass = UnicodeRuns.CombiningClass(codePoint);
        var position = count;
        if (combiningClass != 0)
        {
            while (position > 0)
            {
                var previousClass = UnicodeRuns.CombiningClass(buffer[position - 1]);
                if (previousClass <= combiningClass)
                {
                    break;
                }

                buffer[position] = buffer[position - 1];
                position--;
            }
        }

        buffer[position] = codePoint;
        return count + 1;
    }

    private static int Composite(int first, int second, bool adjacent)
    {
        if (adjacent)
        {
            var l = first - LBase;
            var v = second - VBase;
            if ((uint)l < LCount && (uint)v < VCount)
            {
                return SBase + (((l * VCount) + v) * TCount);
            }

            var s = first - SBase;
            var t = second - TBase;
            if ((uint)s < SCount && s % TCount == 0 && t > 0 && t < TCount)
            {
                return first + t;
            }
        }

        return Compositions.Find(first, second);
    }

    internal static int FindDecomposition(int codePoint)
    {
        var table = NormalizationTables.Decompositions;
        int low = 0, high = (table.Length / 3) - 1;
        while (low <= high)
        {
            var mid = (low + high) >> 1;
            var value = (int)(table[mid * 3] & 0x7FFFFFFF);
            if (value == codePoint)
            {
                return mid * 3;
            }

            if (value < codePoint)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }
}
