using System.Text;
using BenchmarkDotNet.Attributes;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Benchmarks.Jid;

/// <summary>
/// Why <see cref="Utf8KeyComparer"/> has its own hash: 8 bytes per round against <see cref="HashCode.AddBytes"/>
/// (xxHash32, 4 bytes per step) and against hashing the decoded string (Marvin), on a typical full JID.
/// </summary>
[MemoryDiagnoser]
public class Utf8KeyHashBenchmarks
{
    private readonly byte[] _key = "juliet.capulet@example.com/balcony-phone"u8.ToArray();
    private readonly string _text = "juliet.capulet@example.com/balcony-phone";

    [Benchmark(Baseline = true)]
    public int StringHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    [Benchmark]
    public int HashCodeAddBytes()
    {
        var hash = default(HashCode);
        hash.AddBytes(_key);
        return hash.ToHashCode();
    }

    [Benchmark]
    public int Utf8KeyComparerHash() => Utf8KeyComparer.Hash(_key);

    [Benchmark]
    public int DecodeThenStringHashCode() => Encoding.UTF8.GetString(_key).GetHashCode(StringComparison.Ordinal);
}
