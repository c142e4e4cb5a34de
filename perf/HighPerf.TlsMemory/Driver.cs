using System.Globalization;

namespace HighPerf.TlsMemory;

/// <summary>Runs servers and clients as separate processes and prints the result tables in markdown.</summary>
internal static class Driver
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(Options options)
    {
        var n = options.Int("n", 10_000);
        var engines = options.Get("engines", "openssl,managed,plain,plain-fixed").Split(',');
        var versions = options.Get("tls", "13,12").Split(',');
        var handshakes = options.Int("handshakes", 2000);
        var stanzas = options.Int("stanzas", 20_000);
        var certificates = Path.Combine(Path.GetTempPath(), "highperf-tlsmemory");

        var block = 10;
        if (n > 0)
        {
            Console.WriteLine($"## Idle connections: N = {n}, one stanza exchanged on each, server RSS after a full GC");
            Console.WriteLine();
            Console.WriteLine("| engine | TLS | KiB per connection | after malloc_trim | managed heap KiB per conn | connect time |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
        }

        foreach (var engine in n > 0 ? engines : [])
        {
            foreach (var version in engine.StartsWith("plain", StringComparison.Ordinal) ? ["-"] : versions)
            {
                await IdleAsync(engine, version, n, block++, certificates);
            }
        }

        if (handshakes > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"## CPU: {handshakes} handshakes (4 concurrent) and 8 x {stanzas} echoed 300-byte stanzas per run, after a warm-up; client in another process on the same 2 cores");
            Console.WriteLine();
            Console.WriteLine("| engine | TLS | handshakes/s | server CPU ms per handshake | echo MB/s (300 B stanzas, 8 conns) | server CPU s per MB |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
            foreach (var engine in engines.Where(e => !e.StartsWith("plain", StringComparison.Ordinal)))
            {
                foreach (var version in versions)
                {
                    await CpuAsync(engine, version, handshakes, stanzas, certificates);
                }
            }
        }

        return 0;
    }

    private static async Task IdleAsync(string engine, string version, int n, int block, string certificates)
    {
        if (engine == "prosody")
        {
            await ProsodyIdleAsync(version, n, block, certificates);
            return;
        }

        using var server = ChildProcess.Start("server", "--engine", engine.Replace("-fixed", string.Empty, StringComparison.Ordinal), "--tls", version == "-" ? "13" : version, "--certs", certificates, "--recv", engine == "plain-fixed" ? "fixed:256" : "adaptive");
        var port = (await server.ExpectAsync("READY", Timeout))[0];
        var tls = version == "-" ? "plain" : version;

        // Warm up code paths and pools, then take the baseline with free heap pages returned.
        using (var warmup = ChildProcess.Start("idle", "--port", port, "--count", "200", "--tls", tls, "--block", (block + 100).ToString(CultureInfo.InvariantCulture)))
        {
            await warmup.ExpectAsync("CONNECTED", Timeout);
        }

        await Task.Delay(1000);
        server.Send("trim");
        var baseline = await server.ExpectAsync("STATS", Timeout);

        using var client = ChildProcess.Start("idle", "--port", port, "--count", n.ToString(CultureInfo.InvariantCulture), "--tls", tls, "--block", block.ToString(CultureInfo.InvariantCulture));
        var connected = await client.ExpectAsync("CONNECTED", Timeout);
        await Task.Delay(2000);
        server.Send("stats");
        var after = await server.ExpectAsync("STATS", Timeout);
        server.Send("trim");
        var trimmed = await server.ExpectAsync("STATS", Timeout);

        var count = int.Parse(connected[0], CultureInfo.InvariantCulture);
        double PerConnection(string[] stats, int field) => (long.Parse(stats[field], CultureInfo.InvariantCulture) - long.Parse(baseline[field], CultureInfo.InvariantCulture)) / (double)count;
        Console.WriteLine(FormattableString.Invariant(
            $"| {engine} | {(version == "-" ? "none" : version[0] + "." + version[1])} | {PerConnection(after, 0):F1} | {PerConnection(trimmed, 0):F1} | {PerConnection(after, 1):F1} | {count} in {connected[1]} ms ({connected[2]} failed) |"));
        client.Send("quit");
        server.Send("quit");
    }

    /// <summary>Same measurement against Prosody's direct TLS port; the client opens an XMPP stream instead of echoing.</summary>
    private static async Task ProsodyIdleAsync(string version, int n, int block, string certificates)
    {
        if (!ProsodyServer.IsInstalled)
        {
            Console.WriteLine("| prosody | - | not installed (apt-get install prosody) | | | |");
            return;
        }

        var certificate = Xmpp.Transport.Tls.SelfSignedCertificate.EnsureExists(certificates, "localhost");
        using var prosody = await ProsodyServer.StartAsync(certificate.CertificatePath, certificate.PrivateKeyPath, 25223 + (block * 2));
        var port = prosody.Port.ToString(CultureInfo.InvariantCulture);
        using (var warmup = ChildProcess.Start("idle", "--port", port, "--count", "200", "--tls", version, "--xmpp", "1", "--block", (block + 100).ToString(CultureInfo.InvariantCulture)))
        {
            await warmup.ExpectAsync("CONNECTED", Timeout);
        }

        await Task.Delay(1000);
        var baseline = ProcessStats.ResidentKiB(prosody.Id.ToString(CultureInfo.InvariantCulture));
        using var client = ChildProcess.Start("idle", "--port", port, "--count", n.ToString(CultureInfo.InvariantCulture), "--tls", version, "--xmpp", "1", "--block", block.ToString(CultureInfo.InvariantCulture));
        var connected = await client.ExpectAsync("CONNECTED", Timeout);
        await Task.Delay(2000);
        var after = ProcessStats.ResidentKiB(prosody.Id.ToString(CultureInfo.InvariantCulture));
        var count = int.Parse(connected[0], CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant(
            $"| prosody 0.12 (stream opened, not authenticated) | {version[0]}.{version[1]} | {(after - baseline) / (double)Math.Max(1, count):F1} | - | - | {count} in {connected[1]} ms ({connected[2]} failed) |"));
        client.Send("quit");
    }

    private static async Task CpuAsync(string engine, string version, int handshakeCount, int stanzas, string certificates)
    {
        using var server = ChildProcess.Start("server", "--engine", engine, "--tls", version, "--certs", certificates);
        var port = (await server.ExpectAsync("READY", Timeout))[0];
        var countText = handshakeCount.ToString(CultureInfo.InvariantCulture);
        var stanzaText = stanzas.ToString(CultureInfo.InvariantCulture);

        // Warm-up (JIT tiers, pools, OpenSSL's lazily fetched algorithms) before anything is counted.
        using (var warmup = ChildProcess.Start("handshakes", "--port", port, "--tls", version, "--count", "500", "--block", "5"))
        {
            await warmup.ExpectAsync("HANDSHAKES", Timeout);
        }

        using (var warmup = ChildProcess.Start("throughput", "--port", port, "--tls", version, "--stanzas", "5000", "--block", "6"))
        {
            await warmup.ExpectAsync("THROUGHPUT", Timeout);
        }

        var cpuBefore = ProcessStats.CpuMilliseconds(server.Id);
        string[] handshakes;
        using (var client = ChildProcess.Start("handshakes", "--port", port, "--tls", version, "--count", countText, "--block", "7"))
        {
            handshakes = await client.ExpectAsync("HANDSHAKES", Timeout);
        }

        var cpuHandshakes = ProcessStats.CpuMilliseconds(server.Id) - cpuBefore;
        cpuBefore = ProcessStats.CpuMilliseconds(server.Id);
        string[] throughput;
        using (var client = ChildProcess.Start("throughput", "--port", port, "--tls", version, "--stanzas", stanzaText, "--block", "8"))
        {
            throughput = await client.ExpectAsync("THROUGHPUT", Timeout);
        }

        var cpuThroughput = ProcessStats.CpuMilliseconds(server.Id) - cpuBefore;
        var count = long.Parse(handshakes[0], CultureInfo.InvariantCulture);
        var bytes = long.Parse(throughput[0], CultureInfo.InvariantCulture) / 1e6;
        Console.WriteLine(FormattableString.Invariant(
            $"| {engine} | {version[0]}.{version[1]} | {count * 1000.0 / long.Parse(handshakes[1], CultureInfo.InvariantCulture):F0} | {cpuHandshakes / (double)Math.Max(1, count):F2} | {bytes * 1000 / long.Parse(throughput[1], CultureInfo.InvariantCulture):F1} | {cpuThroughput / 1000.0 / Math.Max(bytes, 0.001):F3} |"));
        server.Send("quit");
    }
}
