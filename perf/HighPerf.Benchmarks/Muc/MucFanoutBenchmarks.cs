using System.Text;
using BenchmarkDotNet.Attributes;
using DotNetty.Buffers;
using DotNetty.Common;
using HighPerf.Benchmarks.Router;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.Muc;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Benchmarks.Muc;

/// <summary>
/// XEP-0045 fan-out: a groupchat message arrives as bytes on an occupant's session (<see cref="XmppSession.ProcessInput"/>),
/// is tokenized, routed to the MUC module (hosted domain), parsed once (body/subject) and copied to every occupant
/// with 'from' = room/nick and 'to' = the occupant's JID, and stored in the room's history ring (pooled slices).
/// Each invocation delivers <see cref="CopiesPerInvoke"/> copies (10,000 / occupants messages), so the figures are per
/// delivered copy; bytes per message = bytes per copy × occupants.
/// <see cref="FanoutToCopySink"/>: occupants' transports copy the bytes into a fixed buffer (the MUC path alone).
/// <see cref="FanoutToOutboundQueue"/>: the real <c>OutboundQueue</c> (pooled DotNetty chunks), drained after each batch
/// as the recipients' loops would; its per-chunk wrapper object is the router benchmarks' known 96 B per drain.
/// </summary>
[MemoryDiagnoser]
public class MucFanoutBenchmarks
{
    public const int CopiesPerInvoke = 10_000;
    private const string Domain = "bench.example";
    private const string Service = "conference.bench.example";

    private readonly DrainList _drains = new();
    private string _folder = "";
    private IDataStore _store = null!;
    private XmppSession _copySender = null!;
    private XmppSession _queueSender = null!;
    private CopySinkTransport[] _sinks = [];
    private byte[][] _copyMessages = [];
    private byte[][] _queueMessages = [];

    [Params(10, 100, 1000)]
    public int Occupants { get; set; } = 10;

    [GlobalSetup]
    public void Setup()
    {
        ResourceLeakDetector.Level = ResourceLeakDetector.DetectionLevel.Disabled;
        _folder = Path.Combine(Path.GetTempPath(), "hpx-muc-bench-" + Guid.NewGuid().ToString("N"));
        _store = FasterDataStore.Open(new StoreOptions { Directory = _folder });
        var server = new XmppServer(new XmppServerOptions { Domains = [Domain] }, _store, new IXmppModule[] { new MucModule(new MucOptions { Domain = Service, DefaultMaxUsers = 0, DefaultHistoryLength = 50 }) });
        var allocator = PooledByteBufferAllocator.Default;

        _sinks = new CopySinkTransport[Occupants];
        var copySessions = new XmppSession[Occupants];
        var queueSessions = new XmppSession[Occupants];
        for (var i = 0; i < Occupants; i++)
        {
            _sinks[i] = new CopySinkTransport();
            copySessions[i] = Join(server, _sinks[i], $"copy{i}", "copyroom", i == 0);
            queueSessions[i] = Join(server, new QueueTransport(allocator, _drains), $"queue{i}", "queueroom", i == 0);
        }

        _copySender = copySessions[0];
        _queueSender = queueSessions[0];
        var messages = CopiesPerInvoke / Occupants;
        var body = new string('x', 80);
        _copyMessages = new byte[messages][];
        _queueMessages = new byte[messages][];
        for (var i = 0; i < messages; i++)
        {
            _copyMessages[i] = Encoding.UTF8.GetBytes($"<message to='copyroom@{Service}' type='groupchat' id='g{i}'><body>{body} {i}</body></message>");
            _queueMessages[i] = Encoding.UTF8.GetBytes($"<message to='queueroom@{Service}' type='groupchat' id='g{i}'><body>{body} {i}</body></message>");
        }

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

    [Benchmark(Baseline = true, OperationsPerInvoke = CopiesPerInvoke)]
    public long FanoutToCopySink()
    {
        var sender = _copySender;
        var messages = _copyMessages;
        for (var i = 0; i < messages.Length; i++)
        {
            sender.ProcessInput(messages[i]);
        }

        return _sinks[^1].Units;
    }

    [Benchmark(OperationsPerInvoke = CopiesPerInvoke)]
    public long FanoutToOutboundQueue()
    {
        var sender = _queueSender;
        var messages = _queueMessages;
        for (var i = 0; i < messages.Length; i++)
        {
            sender.ProcessInput(messages[i]);
        }

        return _drains.DrainAll();
    }

    private static XmppSession Join(XmppServer server, ISessionTransport transport, string user, string room, bool creates)
    {
        var session = new XmppSession(server, transport);
        session.ProcessInput(StreamHeader());
        session.BindForTesting(Encoding.UTF8.GetBytes($"{user}@{Domain}/bench"));
        session.ProcessInput(Encoding.UTF8.GetBytes($"<presence to='{room}@{Service}/{user}'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"));
        if (creates)
        {
            // An instant room: the owner accepts the default configuration, which unlocks it.
            session.ProcessInput(Encoding.UTF8.GetBytes($"<iq type='set' id='c1' to='{room}@{Service}'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>"));
        }

        return session;
    }

    /// <summary>Fails the setup unless every occupant receives every message of a batch and nobody was refused.</summary>
    private void Verify()
    {
        foreach (var sink in _sinks)
        {
            sink.Reset();
        }

        FanoutToCopySink();
        var expected = _copyMessages.Length;
        if (_sinks.Any(s => s.Units != expected) || _copySender.IsClosed)
        {
            throw new InvalidOperationException($"Fan-out check failed: occupants received {string.Join(",", _sinks.Select(s => s.Units).Distinct())} copies, expected {expected}.");
        }

        var queued = FanoutToOutboundQueue();
        if (queued < (long)expected * Occupants * _queueMessages[0].Length || _queueSender.IsClosed)
        {
            throw new InvalidOperationException($"Fan-out check failed: {queued} bytes queued for {expected} messages to {Occupants} occupants.");
        }
    }

    private static byte[] StreamHeader()
        => Encoding.UTF8.GetBytes($"<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='{Domain}' version='1.0'>");
}
