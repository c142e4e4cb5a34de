using System.Text;
using BenchmarkDotNet.Attributes;
using DotNetty.Buffers;
using DotNetty.Common;
using HighPerf.Benchmarks.Router;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.Mam;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Benchmarks.Archive;

/// <summary>
/// The routing path with and without the XEP-0313 archive, in one run: a batch of 1,024 chat messages from one
/// session to the bare JIDs of 1,000 bound users (as <see cref="RouterBenchmarks.RouteToBareJid"/>), each appended to
/// the sender's and the recipient's archive, held until the archive commit, then released with its &lt;stanza-id/&gt;
/// into the recipients' real <c>OutboundQueue</c>s and drained. <see cref="RouteArchived"/> runs the releases the
/// commit thread posts on the benchmark thread until nothing is held, so a per-thread allocation count sees the
/// whole path: append, hold, release, route. The commit itself (the store's thread) is not counted; its cost is one
/// commit per batch, not per message. FASTER's page rings are filled in the setup (they are allocated once as a log
/// first grows).
/// </summary>
[MemoryDiagnoser]
public class ArchiveRoutingBenchmarks
{
    public const int Batch = 1024;
    private const int Users = 1000;
    private const string Domain = "bench.example";

    private readonly DrainList _drains = new();
    private readonly PostList _posts = new();
    private readonly DurableSignal _durable = new();
    private string _folder = "";
    private IDataStore _store = null!;
    private XmppSession _plainSender = null!;
    private XmppSession _archivingSender = null!;
    private byte[][] _messages = [];

    [GlobalSetup]
    public void Setup()
    {
        ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        _folder = Path.Combine(Path.GetTempPath(), "hpx-archive-bench-" + Guid.NewGuid().ToString("N"));
        _store = FasterDataStore.Open(new StoreOptions { Directory = _folder });
        _plainSender = BuildServer([], "plain");
        _archivingSender = BuildServer([new MamModule()], "archiving");

        var random = new Random(42);
        var body = new string('x', 80);
        _messages = new byte[Batch][];
        for (var i = 0; i < Batch; i++)
        {
            _messages[i] = Encoding.UTF8.GetBytes($"<message to='user{random.Next(Users)}@{Domain}' type='chat' id='b{i}'><body>{body} {i}</body></message>");
        }

        // Fill FASTER's page rings (key-value log, archive log), then run both paths once.
        var filler = new byte[300];
        var last = default(ArchiveAppendResult);
        for (var i = 0; i < 120_000; i++)
        {
            last = _store.Archive.Append("warm-a@bench.example"u8, "warm-b@bench.example"u8, "warm-b@bench.example"u8, i, filler);
        }

        _durable.Wait(_store.Archive, last.Position);
        Verify();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _drains.DrainAll();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The same batch with no archive (the routing path before XEP-0313).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long RoutePlain()
    {
        var sender = _plainSender;
        for (var i = 0; i < _messages.Length; i++)
        {
            sender.ProcessInput(_messages[i]);
        }

        return _drains.DrainAll();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long RouteArchived()
    {
        var sender = _archivingSender;
        for (var i = 0; i < _messages.Length; i++)
        {
            sender.ProcessInput(_messages[i]);
        }

        ReleaseHeld(sender);
        return _drains.DrainAll();
    }

    // The commit thread posts each held run's release once the commit covers it; run them until nothing is held.
    // (Waiting for the log's tail instead can wait forever: FASTER's own commit record may be the last entry, and
    // no later append asks for the commit that would cover it.)
    private void ReleaseHeld(XmppSession sender)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (sender.HeldBytes != 0)
        {
            if (_posts.RunAll() == 0)
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException("The archive did not commit within 30 s.");
                }

                Thread.Yield();
            }
        }
    }

    // One server per variant over the same store: every user bound once, available, plus the sender.
    private XmppSession BuildServer(IXmppModule[] modules, string resource)
    {
        var server = new XmppServer(new XmppServerOptions { Domains = [Domain] }, _store, modules);
        var allocator = PooledByteBufferAllocator.Default;
        Span<byte> jid = stackalloc byte[64];
        for (var i = 0; i < Users; i++)
        {
            var session = new XmppSession(server, new QueueTransport(allocator, _drains) { Posts = _posts });
            session.BindForTesting(jid[..Encoding.UTF8.GetBytes($"user{i}@{Domain}/{resource}", jid)]);
        }

        var sender = new XmppSession(server, new QueueTransport(allocator, _drains) { Posts = _posts });
        sender.ProcessInput(Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='{Domain}' version='1.0'>"));
        sender.BindForTesting(Encoding.UTF8.GetBytes($"user0@{Domain}/sender-{resource}"));
        return sender;
    }

    /// <summary>Fails the setup unless both paths deliver the whole batch (the archived one with a stanza-id each).</summary>
    private void Verify()
    {
        var plain = RoutePlain();
        var archived = RouteArchived();
        var stanzaId = "<stanza-id xmlns='urn:xmpp:sid:0' id='0123456789abcdef' by='user000@bench.example'/>".Length;
        if (plain <= 0 || archived < plain + (Batch * (stanzaId - 8)) || _archivingSender.HeldBytes != 0)
        {
            throw new InvalidOperationException($"Routing check failed: {plain} bytes plain, {archived} archived, {_archivingSender.HeldBytes} still held.");
        }
    }
}
