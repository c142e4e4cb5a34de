using System.Text;
using BenchmarkDotNet.Attributes;
using DotNetty.Buffers;
using DotNetty.Common;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Benchmarks.Router;

/// <summary>
/// The in-process routing path: stanza bytes arrive on session A (<see cref="XmppSession.ProcessInput"/>), are
/// tokenized, checked, 'to' normalized, looked up in a routing table of 10,000 or 1,000,000 bound sessions,
/// stamped with A's 'from' and copied into recipient B's real <c>OutboundQueue</c> (pooled DotNetty chunks). Each
/// invocation routes a batch of 1,024 chat messages to random recipients, then drains the queues the batch
/// filled (take + release, what the recipient's loop does before its socket write), so figures are per stanza
/// with the drain amortized. No modules are loaded: interceptors (none by default on this path) are not counted.
/// <see cref="TokenizeOnly"/> feeds the same bytes to a bare tokenizer: the parse share of the path.
/// DotNetty's leak detector is off here: at its default level (Simple) it samples one pooled buffer in 128 and
/// records a stack trace for it, about 340 B per stanza on this path, which a production server should not pay
/// (perf/RESULTS.md). What remains is DotNetty's pooled-buffer wrapper object (see <see cref="PooledChunkBenchmarks"/>).
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    public const int Batch = 1024;
    private const string Domain = "bench.example";

    private readonly DrainList _drains = new();
    private string _folder = "";
    private IDataStore _store = null!;
    private XmppSession _sender = null!;
    private QueueTransport[] _transports = [];
    private byte[][] _toFull = [];
    private byte[][] _toBare = [];
    private XmlStreamTokenizer _tokenizer = null!;

    [Params(10_000, 1_000_000)]
    public int Sessions { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup()
    {
        ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        _folder = Path.Combine(Path.GetTempPath(), "hpx-router-bench-" + Guid.NewGuid().ToString("N"));
        _store = FasterDataStore.Open(new StoreOptions { Directory = _folder });
        var server = new XmppServer(new XmppServerOptions { Domains = [Domain] }, _store, Array.Empty<IXmppModule>());
        var allocator = PooledByteBufferAllocator.Default;
        _transports = new QueueTransport[Sessions];
        Span<byte> jid = stackalloc byte[64];
        for (var i = 0; i < Sessions; i++)
        {
            _transports[i] = new QueueTransport(allocator, _drains);
            var session = new XmppSession(server, _transports[i]);
            session.BindForTesting(Jid(jid, $"user{i}@{Domain}/phone"));
        }

        var senderTransport = new QueueTransport(allocator, _drains);
        _sender = new XmppSession(server, senderTransport);
        _sender.ProcessInput(StreamHeader());
        _sender.BindForTesting("sender@bench.example/desk"u8);

        // Recipients drawn with a fixed seed: the same batch every run, spread over the whole table.
        var random = new Random(42);
        var body = new string('x', 80);
        _toFull = new byte[Batch][];
        _toBare = new byte[Batch][];
        for (var i = 0; i < Batch; i++)
        {
            var user = random.Next(Sessions);
            _toFull[i] = Encoding.UTF8.GetBytes($"<message to='user{user}@{Domain}/phone' type='chat' id='m{i}'><body>{body} {i}</body></message>");
            _toBare[i] = Encoding.UTF8.GetBytes($"<message to='user{user}@{Domain}' type='chat' id='b{i}'><body>{body} {i}</body></message>");
        }

        _tokenizer = new XmlStreamTokenizer();
        var sink = new CountingSink();
        _tokenizer.Feed(StreamHeader(), ref sink, out _);
        _drains.DrainAll();
        Verify();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _drains.DrainAll();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int TokenizeOnly()
    {
        var sink = new CountingSink();
        var stanzas = _toFull;
        for (var i = 0; i < stanzas.Length; i++)
        {
            _tokenizer.Feed(stanzas[i], ref sink, out _);
        }

        return sink.Elements;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long RouteToFullJid() => RouteBatch(_toFull);

    /// <summary>To a bare JID: the user's available resources with the highest priority (RFC 6121 §8.5.2.1.1).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public long RouteToBareJid() => RouteBatch(_toBare);

    private long RouteBatch(byte[][] stanzas)
    {
        var sender = _sender;
        for (var i = 0; i < stanzas.Length; i++)
        {
            sender.ProcessInput(stanzas[i]);
        }

        return _drains.DrainAll();
    }

    /// <summary>Fails the setup unless each batch reaches its recipients whole and nothing bounces.</summary>
    private void Verify()
    {
        var stamp = " from='sender@bench.example/desk'"u8.Length;
        var expectedFull = _toFull.Sum(s => (long)s.Length + stamp);
        var expectedBare = _toBare.Sum(s => (long)s.Length + stamp);
        var full = RouteToFullJid();
        var bare = RouteToBareJid();
        var rejected = _transports.Sum(t => t.Rejected);
        if (full != expectedFull || bare != expectedBare || rejected != 0 || _sender.IsClosed)
        {
            throw new InvalidOperationException($"Routing check failed: {full}/{expectedFull} bytes to full JIDs, {bare}/{expectedBare} to bare JIDs, {rejected} rejected.");
        }
    }

    private static ReadOnlySpan<byte> Jid(Span<byte> buffer, string text) => buffer[..Encoding.UTF8.GetBytes(text, buffer)];

    private static byte[] StreamHeader()
        => Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='{Domain}' version='1.0'>");
}
