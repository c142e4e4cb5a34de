using System.Diagnostics;
using System.Diagnostics.Metrics;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Hosting;

/// <summary>
/// The server's instruments on one <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/>, so
/// that <c>dotnet-counters monitor -n highperf-xmpp --counters HighPerf.Xmpp</c> and the Prometheus endpoint see the
/// same figures. One per <see cref="XmppServer"/> (tests run several servers in one process). Recording costs one
/// enabled-check when nobody listens and allocates nothing either way: tags are at most two, with values from fixed
/// string tables, passed as <see cref="KeyValuePair{TKey, TValue}"/> structs.
/// </summary>
public sealed class XmppMetrics : IDisposable
{
    public const string MeterName = "HighPerf.Xmpp";

    private static readonly string[] KindNames = ["message", "presence", "iq"];

    public XmppMetrics()
    {
        Meter = new Meter(MeterName, typeof(XmppMetrics).Assembly.GetName().Version?.ToString());
        ConnectionsOpened = Meter.CreateCounter<long>("xmpp.connections.opened", "{connection}", "Connections accepted, by listener");
        ConnectionsClosed = Meter.CreateCounter<long>("xmpp.connections.closed", "{connection}", "Connections closed, by listener and reason");
        ConnectionsOpen = Meter.CreateUpDownCounter<long>("xmpp.connections.open", "{connection}", "Connections open now, by listener");
        ConnectionsRejected = Meter.CreateCounter<long>("xmpp.connections.rejected", "{connection}", "Connections refused at accept, by limit");
        SlowReaders = Meter.CreateCounter<long>("xmpp.connections.slow_reader", "{connection}", "Connections closed with policy-violation because their outbound queue exceeded its bound");
        InboundPauses = Meter.CreateCounter<long>("xmpp.connections.inbound_paused", "{pause}", "Times a connection's reading was paused by its inbound rate limit");
        StreamErrors = Meter.CreateCounter<long>("xmpp.stream_errors", "{error}", "Stream errors sent, by condition");
        AuthSuccesses = Meter.CreateCounter<long>("xmpp.auth.successes", "{login}", "Successful SASL authentications, by mechanism");
        AuthFailures = Meter.CreateCounter<long>("xmpp.auth.failures", "{failure}", "Failed SASL attempts, by mechanism");
        StanzasIn = Meter.CreateCounter<long>("xmpp.stanzas.in", "{stanza}", "Stanzas received from bound clients, by kind");
        StanzasOut = Meter.CreateCounter<long>("xmpp.stanzas.routed", "{stanza}", "Stanzas queued for a recipient session, by kind");
        BytesIn = Meter.CreateCounter<long>("xmpp.bytes.in", "By", "XML stream bytes read (after TLS and decompression)");
        BytesOut = Meter.CreateCounter<long>("xmpp.bytes.out", "By", "XML stream bytes written (before compression and TLS)");
        RoutingDuration = Meter.CreateHistogram<double>("xmpp.routing.duration", "s", "Time from a stanza fully read to its bytes queued for the recipient(s)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.000_001, 0.000_002, 0.000_005, 0.000_01, 0.000_02, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.01, 0.1] });
        OfflineStored = Meter.CreateCounter<long>("xmpp.offline.stored", "{message}", "Messages stored for an offline user");
        OfflineDelivered = Meter.CreateCounter<long>("xmpp.offline.delivered", "{message}", "Stored messages delivered when their user came online");
        OfflineRefused = Meter.CreateCounter<long>("xmpp.offline.refused", "{message}", "Messages bounced because the user's offline queue was full or the store failed");
        TlsHandshakes = Meter.CreateCounter<long>("xmpp.tls.handshakes", "{handshake}", "TLS handshakes completed");
        TlsFailures = Meter.CreateCounter<long>("xmpp.tls.failures", "{handshake}", "TLS handshakes failed");
        LinkStanzas = Meter.CreateCounter<long>("xmpp.cluster.link.stanzas", "{stanza}", "Stanzas forwarded to (sent) or delivered from (received) other cluster nodes over node links, by direction");
        LinkBytes = Meter.CreateCounter<long>("xmpp.cluster.link.data", "By", "Bytes of the stanza frames counted by xmpp.cluster.link.stanzas (frame header, recipient address, stanza), by direction");
        Meter.CreateObservableGauge("process.gc.heap.size", static () => GC.GetGCMemoryInfo().HeapSizeBytes, "By", "Managed heap size after the last GC");
        Meter.CreateObservableCounter("process.gc.allocated", static () => GC.GetTotalAllocatedBytes(precise: false), "By", "Managed bytes allocated since start (its rate is the allocation rate)");
        Meter.CreateObservableCounter("process.gc.collections", static () => new Measurement<long>[]
        {
            new(GC.CollectionCount(0), new KeyValuePair<string, object?>("generation", "gen0")),
            new(GC.CollectionCount(1), new KeyValuePair<string, object?>("generation", "gen1")),
            new(GC.CollectionCount(2), new KeyValuePair<string, object?>("generation", "gen2")),
        }, "{collection}", "Garbage collections, by generation");
        Meter.CreateObservableGauge("process.memory.working_set", static () => Environment.WorkingSet, "By", "Resident memory of the process");
    }

    public Meter Meter { get; }

    /// <summary>Durable commits of the store and their summed duration: the rate of one over the other is the mean
    /// commit latency (a FasterLog flush plus its commit record), the figure that bounds every acknowledged write.</summary>
    public void ObserveStore(IDataStore store)
    {
        Meter.CreateObservableCounter("xmpp.storage.commits", () => store.CommitStatistics.Commits, "{commit}", "Durable store commits completed");
        Meter.CreateObservableCounter("xmpp.storage.commit.time", () => store.CommitStatistics.TotalSeconds, "s", "Time spent in durable store commits, summed");
    }

    public Counter<long> ConnectionsOpened { get; }

    public Counter<long> ConnectionsClosed { get; }

    public UpDownCounter<long> ConnectionsOpen { get; }

    public Counter<long> ConnectionsRejected { get; }

    public Counter<long> SlowReaders { get; }

    public Counter<long> InboundPauses { get; }

    public Counter<long> StreamErrors { get; }

    public Counter<long> AuthSuccesses { get; }

    public Counter<long> AuthFailures { get; }

    public Counter<long> StanzasIn { get; }

    public Counter<long> StanzasOut { get; }

    public Counter<long> BytesIn { get; }

    public Counter<long> BytesOut { get; }

    public Histogram<double> RoutingDuration { get; }

    public Counter<long> OfflineStored { get; }

    public Counter<long> OfflineDelivered { get; }

    public Counter<long> OfflineRefused { get; }

    public Counter<long> TlsHandshakes { get; }

    public Counter<long> TlsFailures { get; }

    /// <summary>Stanzas over node links; tagged <see cref="SentTag"/> or <see cref="ReceivedTag"/>.</summary>
    public Counter<long> LinkStanzas { get; }

    /// <summary>Bytes of the frames <see cref="LinkStanzas"/> counts, with the same tags.</summary>
    public Counter<long> LinkBytes { get; }

    /// <summary>The 'direction' tag of the node-link counters for frames this node sent.</summary>
    public static KeyValuePair<string, object?> SentTag => new("direction", "sent");

    /// <summary>The 'direction' tag of the node-link counters for frames this node received and delivered.</summary>
    public static KeyValuePair<string, object?> ReceivedTag => new("direction", "received");

    /// <summary>The 'kind' tag of a stanza counter (no allocation: the value is a fixed string).</summary>
    public static KeyValuePair<string, object?> KindTag(StanzaKind kind) => new("kind", KindNames[(int)kind]);

    /// <summary>The 'mechanism' tag of the authentication counters.</summary>
    public static KeyValuePair<string, object?> MechanismTag(SaslMechanism mechanism) => new("mechanism", mechanism switch
    {
        SaslMechanism.Plain => "PLAIN",
        SaslMechanism.ScramSha1 => "SCRAM-SHA-1",
        SaslMechanism.ScramSha256 => "SCRAM-SHA-256",
        _ => "none",
    });

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;

    public void Dispose() => Meter.Dispose();
}
