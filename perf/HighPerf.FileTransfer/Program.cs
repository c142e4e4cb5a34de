using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HighPerf.FileTransfer;
using HighPerf.Xmpp.TestKit;

// Throughput and server cost of the file transfer services on loopback, the server being a separate process (the
// binary named by --server: the JIT apphost or the Native AOT binary), measured from /proc: CPU seconds per GB moved
// and the growth of its peak resident set during each transfer (VmHWM, reset before each one). Baselines, in the same
// run: the same bytes over one direct loopback TCP connection (for the proxy) and written to a local file and flushed
// (for the upload, whose PUT ends with the same flush).
// Usage: dotnet run -c Release --project perf/HighPerf.FileTransfer -- --server PATH [--mb 100] [--runs 3]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal)).ToDictionary(p => p.a, p => args[p.i + 1]);
var binary = options.GetValueOrDefault("--server") ?? throw new ArgumentException("--server PATH: the server binary to measure.");
var megabytes = int.Parse(options.GetValueOrDefault("--mb", "100"), CultureInfo.InvariantCulture);
var runs = int.Parse(options.GetValueOrDefault("--runs", "3"), CultureInfo.InvariantCulture);
var bytes = megabytes * 1024L * 1024;
Environment.SetEnvironmentVariable("HPX_SERVER_BINARY", Path.GetFullPath(binary));

await using var server = await TestServer.StartAsync(config =>
{
    config.Modules.Enabled = [.. HighPerf.Xmpp.Server.Hosting.ModuleCatalog.DefaultNames, "proxy65", "upload"];
    config.Modules.Proxy65.Listen = "127.0.0.1:0";
    config.Modules.Upload.MaxFileSize = bytes;
    config.Modules.Upload.QuotaBytes = 0;
    config.Http.Enabled = true;
    config.Http.ListenTls = "";
    config.Limits.InboundBytesPerSecond = 0;
});
await server.AddUserAsync("sender");
await server.AddUserAsync("receiver");
await using var sender = await XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, "sender", "secret", "perf");
var pid = server.ExternalProcessId ?? throw new InvalidOperationException("The server must run as a child process.");
var streamhost = (await IqAsync(sender, "get", "<query xmlns='http://jabber.org/protocol/bytestreams'/>", "proxy.localhost"))
    .Descendants(XName.Get("streamhost", "http://jabber.org/protocol/bytestreams")).Single();
var proxy = new IPEndPoint(IPAddress.Parse((string)streamhost.Attribute("host")!), int.Parse((string)streamhost.Attribute("port")!, CultureInfo.InvariantCulture));
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
var folder = Path.Combine(server.DataDirectory, "baseline");
Directory.CreateDirectory(folder);

Console.WriteLine($"server {binary} (pid {pid}), {megabytes} MB per transfer, {runs} runs, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
var rows = new List<(string Name, double Seconds, double Cpu, long PeakGrowthKiB)>();
for (var run = 0; run < runs; run++)
{
    rows.Add(("direct TCP (baseline)", await Transfers.DirectAsync(bytes), double.NaN, -1));
    rows.Add(await MeasureAsync("proxy65 relay", async () =>
    {
        var sid = "perf" + run;
        var address = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(sid + sender.Jid + "receiver@localhost/perf")));
        using var target = await Socks5.ConnectAsync(proxy, address);
        using var source = await Socks5.ConnectAsync(proxy, address);
        var activated = await IqAsync(sender, "set", $"<query xmlns='http://jabber.org/protocol/bytestreams' sid='{sid}'><activate>receiver@localhost/perf</activate></query>", "proxy.localhost");
        if ((string?)activated.Attribute("type") != "result")
        {
            throw new InvalidOperationException(activated.ToString());
        }

        return await Transfers.PumpAsync(source, target, bytes);
    }));
    rows.Add(("file write + fsync (baseline)", await Transfers.DiskAsync(folder, bytes), double.NaN, -1));
    Uri? get = null;
    rows.Add(await MeasureAsync("upload PUT", async () =>
    {
        var slot = await IqAsync(sender, "get", $"<request xmlns='urn:xmpp:http:upload:0' filename='perf{run}.bin' size='{bytes}' content-type='application/octet-stream'/>", "upload.localhost");
        XNamespace ns = "urn:xmpp:http:upload:0";
        var put = new Uri((string)slot.Descendants(ns + "put").Single().Attribute("url")!);
        get = new Uri((string)slot.Descendants(ns + "get").Single().Attribute("url")!);
        var started = Stopwatch.StartNew();
        using var content = new StreamContent(new PatternStream(bytes), 64 * 1024);
        content.Headers.ContentLength = bytes;
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PutAsync(put, content);
        response.EnsureSuccessStatusCode();
        return started.Elapsed.TotalSeconds;
    }));
    rows.Add(await MeasureAsync("upload GET", async () =>
    {
        var started = Stopwatch.StartNew();
        using var response = await http.GetAsync(get, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total == bytes ? started.Elapsed.TotalSeconds : throw new IOException($"GET returned {total} bytes");
    }));
}

Console.WriteLine();
Console.WriteLine($"{"",-30} {"MB/s (median)",14} {"server CPU s/GB",16} {"server peak RSS growth",24}");
foreach (var group in rows.GroupBy(r => r.Name))
{
    var speeds = group.Select(r => megabytes / r.Seconds).Order().ToList();
    var cpu = group.Select(r => r.Cpu).Order().ToList();
    var peak = group.Max(r => r.PeakGrowthKiB);
    Console.WriteLine($"{group.Key,-30} {speeds[speeds.Count / 2],14:F0} {(double.IsNaN(cpu[0]) ? "-" : cpu[cpu.Count / 2].ToString("F2", CultureInfo.InvariantCulture)),16} {(peak < 0 ? "-" : $"{peak / 1024.0:F1} MiB (max)"),24}");
}

return 0;

async Task<(string, double, double, long)> MeasureAsync(string name, Func<Task<double>> transfer)
{
    ServerProcessStats.ResetPeak(pid);
    var rssBefore = ServerProcessStats.StatusKiB(pid, "VmRSS");
    var cpuBefore = ServerProcessStats.CpuSeconds(pid);
    var seconds = await transfer();
    var cpu = ServerProcessStats.CpuSeconds(pid) - cpuBefore;
    var peak = ServerProcessStats.StatusKiB(pid, "VmHWM") - rssBefore;
    return (name, seconds, cpu / (bytes / 1e9), peak);
}

static async Task<XElement> IqAsync(XmppTestClient client, string type, string payload, string to)
{
    var id = Guid.NewGuid().ToString("N");
    await client.SendAsync($"<iq type='{type}' id='{id}' to='{to}'>{payload}</iq>");
    return await client.ExpectAsync(e => (string?)e.Attribute("id") == id);
}

/// <summary>A request body of <paramref name="length"/> bytes from one repeated random block, never held whole.</summary>
internal sealed class PatternStream(long length) : Stream
{
    private static readonly byte[] Block = RandomNumberGenerator.GetBytes(64 * 1024 + 7);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        var at = (int)(_position % Block.Length);
        var n = Math.Min(count, Block.Length - at);
        Block.AsSpan(at, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
