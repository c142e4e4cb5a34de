using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HighPerf.LoadGen;

/// <summary>
/// What a run measured, on the server (CPU and RSS from /proc, allocation stats when it writes them) and on the
/// generator itself, printed as a human summary and one JSON line. The measurement window is the scenario's
/// steady part: the hold of idle, the sending and draining of chat, the whole of login-storm.
/// </summary>
internal sealed class Report(Options options)
{
    private readonly Stopwatch _clock = new();
    private readonly List<string> _limits = [];
    private long _rssBaseline = -1, _rssLoaded = -1, _rssEnd = -1;
    private double _serverCpuStart, _serverCpuEnd, _peerCpuStart, _peerCpuEnd, _ownCpuStart, _ownCpuEnd;
    private (long Busy, long Total) _machineStart, _machineEnd;
    private TimeSpan _windowStart, _windowEnd;
    private Dictionary<string, (double User, double System)> _threadsStart = [], _threadsEnd = [];
    private ServerStats? _statsStart, _statsEnd, _statsLoaded, _statsBaseline;
    private Counters _counters = new();
    private LatencyHistogram _latency = new(), _loginTime = new();

    public double LoginSeconds { get; set; }

    /// <summary>idle: the memory figures measured from the baseline after the warm-up.</summary>
    public WarmFigures? Warm { get; set; }

    /// <summary>detached: the memory figures of the scenario.</summary>
    public DetachedFigures? Detached { get; set; }
    public double SendSeconds { get; set; }
    public double TargetRate { get; set; }

    /// <summary>Copies each sent message should arrive as (muc: the room's occupants; else 1).</summary>
    public long CopiesPerMessage { get; set; } = 1;
    public long PacerBehind { get; set; }
    public long DisconnectedEarly { get; set; }
    public long PresenceBeforeLogin { get; set; }

    /// <summary>chat over several nodes: the fraction of messages the placement sends across nodes.</summary>
    public double ExpectedCrossFraction { get; set; }

    /// <summary>The nodes' counters (--metrics) at the start of the window and after the drain.</summary>
    public NodeMetrics NodesBefore { get; set; } = NodeMetrics.Empty;

    public NodeMetrics NodesAfter { get; set; } = NodeMetrics.Empty;

    private int Pid => options.ServerPid;

    /// <summary>CPU seconds of every measured server process (a cluster's nodes together).</summary>
    private double ServersCpu() => options.ServerPids.Sum(ProcessStats.CpuSeconds);

    public void Begin() => _clock.Start();

    public void MarkBaseline()
    {
        _rssBaseline = Pid > 0 ? ProcessStats.RssKiB(Pid) : -1;
        _statsBaseline = ServerStats.Read(options.ServerStats);
    }

    public async Task MarkLoadedAsync()
    {
        _statsLoaded = await ServerStats.ReadFreshAsync(options.ServerStats).ConfigureAwait(false);
        _rssLoaded = Pid > 0 ? ProcessStats.RssKiB(Pid) : -1;
    }

    public void MarkWindowStart()
    {
        _windowStart = _clock.Elapsed;
        _serverCpuStart = ServersCpu();
        _peerCpuStart = options.PeerPid > 0 ? ProcessStats.CpuSeconds(options.PeerPid) : 0;
        _threadsStart = Pid > 0 ? ProcessStats.ThreadCpu(Pid) : [];
        _ownCpuStart = ProcessStats.CpuSeconds(Environment.ProcessId);
        _machineStart = ProcessStats.MachineJiffies();
        _statsStart = ServerStats.Read(options.ServerStats);
    }

    public void MarkWindowEnd()
    {
        _windowEnd = _clock.Elapsed;
        _serverCpuEnd = ServersCpu();
        _peerCpuEnd = options.PeerPid > 0 ? ProcessStats.CpuSeconds(options.PeerPid) : 0;
        _threadsEnd = Pid > 0 ? ProcessStats.ThreadCpu(Pid) : [];
        _ownCpuEnd = ProcessStats.CpuSeconds(Environment.ProcessId);
        _machineEnd = ProcessStats.MachineJiffies();
        _statsEnd = ServerStats.Read(options.ServerStats);
        _rssEnd = Pid > 0 ? ProcessStats.RssKiB(Pid) : -1;
    }

    public void Finish(Counters counters, LatencyHistogram latency, LatencyHistogram loginTime)
    {
        _counters = counters;
        _latency = latency;
        _loginTime = loginTime;
        var window = (_windowEnd - _windowStart).TotalSeconds;
        var ownCpu = (_ownCpuEnd - _ownCpuStart) / Math.Max(window, 1e-9);
        var machineBusy = (_machineEnd.Busy - _machineStart.Busy) / (double)Math.Max(1, _machineEnd.Total - _machineStart.Total);
        if (ownCpu > 0.9 * Environment.ProcessorCount / 2)
        {
            _limits.Add(string.Create(CultureInfo.InvariantCulture, $"load generator used {ownCpu * 100:F0}% of a core (over half the machine)"));
        }

        if (machineBusy > 0.95)
        {
            _limits.Add(string.Create(CultureInfo.InvariantCulture, $"machine CPU {machineBusy * 100:F0}% busy: server and generator share {Environment.ProcessorCount} cores"));
        }

        if (TargetRate > 0 && PacerBehind > 0.05 * TargetRate * SendSeconds)
        {
            _limits.Add($"send schedule missed by {PacerBehind} messages: the generator or the server could not keep --rate");
        }

        if (counters.Failed > 0)
        {
            _limits.Add($"{counters.Failed} sessions failed");
        }

        MachineBusy = machineBusy;
        OwnCpuCores = ownCpu;
    }

    public double MachineBusy { get; private set; }

    public double OwnCpuCores { get; private set; }

    public void Print(TextWriter output)
    {
        var json = Json();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"== {options.Scenario} {options.Label} against {string.Join(",", options.Endpoints.Select(e => e.ToString()))} ({options.Domain}), {options.Users} users, {options.Mechanism}{(options.Tls ? " + STARTTLS" + (options.TlsVersion is { } v ? " (TLS " + v + " only)" : "") : "")}");
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is "scenario" or "label")
            {
                continue;
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  {property.Name,-32} {property.Value}");
        }

        output.Write(text.ToString());
        output.WriteLine(json);
    }

    private string Json()
    {
        var window = (_windowEnd - _windowStart).TotalSeconds;
        var delivered = _counters.Delivered;
        var serverCpu = Pid > 0 ? _serverCpuEnd - _serverCpuStart : double.NaN;
        var allocated = _statsStart is not null && _statsEnd is not null ? _statsEnd.AllocatedBytes - _statsStart.AllocatedBytes : -1;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("scenario", options.Scenario);
            json.WriteString("label", options.Label);
            json.WriteNumber("users", options.Users);
            json.WriteNumber("established", _counters.Established);
            json.WriteNumber("failed", _counters.Failed);
            lock (_counters.FailuresByStep)
            {
                json.WriteString("failures", string.Join(",", _counters.FailuresByStep.Select(p => $"{p.Key}={p.Value}")));
            }

            json.WriteNumber("login_seconds", Round(LoginSeconds));
            json.WriteNumber("logins_per_s", Round(_counters.Established / Math.Max(LoginSeconds, 1e-9)));
            json.WriteNumber("login_p50_ms", Ms(_loginTime.Percentile(50)));
            json.WriteNumber("login_p99_ms", Ms(_loginTime.Percentile(99)));
            json.WriteNumber("window_seconds", Round(window));
            json.WriteNumber("target_msgs_per_s", Round(TargetRate));
            json.WriteNumber("sent", _counters.Sent);
            json.WriteNumber("delivered", delivered);
            json.WriteNumber("message_errors", _counters.MessageErrors);
            json.WriteNumber("copies_per_msg", CopiesPerMessage);
            json.WriteNumber("lost", Math.Max(0, (_counters.Sent * CopiesPerMessage) - delivered - _counters.MessageErrors));
            json.WriteNumber("delivered_per_s", Round(delivered / Math.Max(SendSeconds, 1e-9)));
            json.WriteNumber("latency_p50_ms", Ms(_latency.Percentile(50)));
            json.WriteNumber("latency_p99_ms", Ms(_latency.Percentile(99)));
            json.WriteNumber("latency_p999_ms", Ms(_latency.Percentile(99.9)));
            json.WriteNumber("latency_max_ms", Ms(_latency.Max));
            if (options.Endpoints.Length > 1 || options.MetricsEndpoints.Length > 0)
            {
                var nodes = NodesAfter.Minus(NodesBefore);
                json.WriteNumber("nodes", options.Endpoints.Length);
                json.WriteNumber("nodes_scraped", nodes.Scraped);
                json.WriteNumber("cross_node_expected", Round(ExpectedCrossFraction));
                json.WriteNumber("node_messages_in", nodes.MessagesIn);
                json.WriteNumber("link_stanzas_sent", nodes.LinkStanzasSent);
                json.WriteNumber("link_stanzas_received", nodes.LinkStanzasReceived);
                json.WriteNumber("cross_node_measured", nodes.MessagesIn > 0 ? Round(nodes.LinkStanzasSent / nodes.MessagesIn) : -1);
                json.WriteNumber("link_bytes_per_stanza", nodes.LinkStanzasSent > 0 ? Round(nodes.LinkBytesSent / nodes.LinkStanzasSent) : -1);
                json.WriteNumber("client_bytes_out_per_msg", nodes.MessagesIn > 0 ? Round(nodes.ClientBytesOut / nodes.MessagesIn) : -1);
            }

            json.WriteNumber("presence_received", _counters.PresenceReceived);
            json.WriteNumber("roster_items", _counters.RosterItems);
            json.WriteNumber("subscribed", _counters.Subscribed);
            json.WriteNumber("presence_per_s", options.Scenario == "roster-presence" ? Round((_counters.PresenceReceived - PresenceBeforeLogin) / Math.Max(window, 1e-9)) : -1);
            json.WriteNumber("disconnected_early", DisconnectedEarly);
            json.WriteNumber("server_pid", Pid);
            json.WriteNumber("server_rss_before_kib", _rssBaseline);
            json.WriteNumber("server_rss_loaded_kib", _rssLoaded);
            json.WriteNumber("server_rss_end_kib", _rssEnd);
            json.WriteNumber("kib_per_session", _rssBaseline > 0 && _rssLoaded > 0 && _counters.Established > 0 ? Round((_rssLoaded - _rssBaseline) / (double)_counters.Established) : -1);
            if (Warm is { } w)
            {
                json.WriteNumber("sessions_after_warmup", w.Sessions);
                json.WriteNumber("kib_per_session_after_warmup", Round(w.RssKiBPerSession));
                json.WriteNumber("heap_kib_per_session_after_warmup", Round(w.HeapKiBPerSession));
                json.WriteNumber("gc_committed_kib_per_session_after_warmup", Round(w.CommittedKiBPerSession));
                json.WriteNumber("native_kib_per_session_after_warmup", Round(w.NativeKiBPerSession));
                json.WriteNumber("native_free_kib_per_session_after_warmup", Round(w.NativeFreeKiBPerSession));
                json.WriteNumber("server_rss_after_warmup_kib", w.RssBaselineKiB);
                json.WriteNumber("server_rss_loaded_after_gc_kib", w.RssLoadedKiB);
            }

            if (Detached is { } d)
            {
                json.WriteNumber("heap_kib_per_attached_session", Round(d.HeapKiBPerAttached));
                json.WriteNumber("heap_kib_per_detached_session", Round(d.HeapKiBPerDetached));
                json.WriteNumber("rss_kib_per_attached_session", Round(d.RssKiBPerAttached));
                json.WriteNumber("messages_queued_per_detached_session", d.MessagesEach);
                json.WriteNumber("server_rss_attached_kib", d.RssAttachedKiB);
                json.WriteNumber("server_rss_detached_kib", d.RssDetachedKiB);
            }

            json.WriteNumber("server_cpu_s", Round(serverCpu));
            json.WriteNumber("server_cpu_cores", Round(serverCpu / Math.Max(window, 1e-9)));
            json.WriteNumber("server_cpu_us_per_msg", delivered > 0 ? Round(serverCpu * 1e6 / delivered) : -1);
            json.WriteNumber("server_cpu_ms_per_login", options.Scenario is "login-storm" or "roster-presence" && _counters.Established > 0 ? Round(serverCpu * 1e3 / _counters.Established) : -1);
            json.WriteNumber("server_alloc_bytes", allocated);
            json.WriteNumber("server_alloc_per_msg", allocated >= 0 && delivered > 0 ? Round(allocated / (double)delivered) : -1);
            json.WriteNumber("server_alloc_per_login", allocated >= 0 && options.Scenario is "login-storm" or "roster-presence" && _counters.Established > 0 ? Round(allocated / (double)_counters.Established) : -1);
            json.WriteNumber("server_heap_per_session", _statsLoaded is not null && _statsBaseline is not null && _counters.Established > 0 ? Round((_statsLoaded.HeapBytes - _statsBaseline.HeapBytes) / 1024.0 / _counters.Established) : -1);
            json.WriteNumber("server_gc_gen0", _statsStart is not null && _statsEnd is not null ? _statsEnd.Gen0 - _statsStart.Gen0 : -1);
            json.WriteNumber("server_gc_gen2", _statsStart is not null && _statsEnd is not null ? _statsEnd.Gen2 - _statsStart.Gen2 : -1);
            json.WriteString("server_cpu_by_thread", ThreadBreakdown());
            if (options.PeerPid > 0)
            {
                var peerCpu = _peerCpuEnd - _peerCpuStart;
                json.WriteNumber("peer_pid", options.PeerPid);
                json.WriteNumber("peer_cpu_s", Round(peerCpu));
                json.WriteNumber("peer_cpu_us_per_msg", delivered > 0 ? Round(peerCpu * 1e6 / delivered) : -1);
            }

            json.WriteNumber("loadgen_cpu_cores", Round(OwnCpuCores));
            json.WriteNumber("machine_busy", Round(MachineBusy));
            json.WriteString("limited_by", _limits.Count == 0 ? "" : string.Join("; ", _limits));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>"name=user+sys s; …" for the server's thread groups over the window, busiest first (threads that ended are missing).</summary>
    private string ThreadBreakdown()
    {
        var parts = _threadsEnd
            .Select(p => (p.Key, User: p.Value.User - _threadsStart.GetValueOrDefault(p.Key).User, System: p.Value.System - _threadsStart.GetValueOrDefault(p.Key).System))
            .Where(p => p.User + p.System >= 0.01)
            .OrderByDescending(p => p.User + p.System)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.User:F2}u+{p.System:F2}s"));
        return string.Join("; ", parts);
    }

    private static double Ms(long nanoseconds) => Math.Round(nanoseconds / 1e6, 3);

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : -1;
}
