namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>
/// Primary composites (UAX #15 §3.11: canonical pairs not excluded from composition), keyed by the pair.
/// Built once from <see cref="NormalizationTables.Decompositions"/> on the first non-ASCII normalization.
/// </summary>
internal static class Compositions
{
    private static readonly Dictionary<long, int> Pairs = Build();

    /// <summary>The composite of the pair, or -1.</summary>
    public static int Find(int first, int second)
        => Pairs.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : -1;

    private static Dictionary<long, int> Build()
    {
        var table = NormalizationTables.Decompositions;
        var pairs = new Dictionary<long, int>(1024);
        for (var i = 0; i < table.Length; i += 3)
        {
            var excluded = (table[i] & 0x80000000) != 0;
            if (!excluded && table[i + 2] != 0)
            {
                pairs.Add(((long)table[i + 1] << 21) | table[i + 2], (int)(table[i] & 0x7FFFFFFF));
            }
        }

        return pairs;
    }
}
