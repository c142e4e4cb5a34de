namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>Lookups in the generated run tables: each entry is <c>start &lt;&lt; shift | value</c>, sorted by start.</summary>
internal static class UnicodeRuns
{
    public static int Find(ReadOnlySpan<uint> runs, int shift, int codePoint)
    {
        var mask = (1u << shift) - 1;

        // The largest packed value whose start is codePoint: every run starting at or before it compares lower or equal.
        var key = ((uint)codePoint << shift) | mask;
        int low = 0, high = runs.Length - 1;
        while (low < high)
        {
            var mid = (low + high + 1) >> 1;
            if (runs[mid] <= key)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return (int)(runs[low] & mask);
    }

    public static PrecisProperty Property(int codePoint)
        => (PrecisProperty)Find(PrecisTables.DerivedPropertyRuns, 3, codePoint);

    public static BidiClass Bidi(int codePoint) => (BidiClass)Find(PrecisTables.BidiRuns, 5, codePoint);

    public static int CombiningClass(int codePoint)
        => codePoint < 0x300 ? 0 : Find(NormalizationTables.CombiningRuns, 10, codePoint) & 0xFF;

    /// <summary>1 Greek, 2 Hebrew, 3 Hiragana/Katakana/Han, 0 anything else (RFC 5892 context rules).</summary>
    public static int ScriptGroup(int codePoint) => Find(PrecisTables.ScriptRuns, 2, codePoint);
}
