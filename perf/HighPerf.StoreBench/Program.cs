using System.Diagnostics;
using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;
using Microsoft.Extensions.Logging.Abstractions;

// store-bench GARNET_HOST:PORT [WRITERS] [WRITES]: the same workload against both stores, one after the other.
// Writes: roster sets from WRITERS concurrent writers (each acknowledged only once durable); reads: account TryGet on
// up to 8 dedicated threads (the login path). Prints one line per store and the Garnet/FASTER ratios. Then the session
// directory: the first lookup of each of WRITES distinct users (a cache miss: one synchronous HGETALL, what the first
// stanza to a user this node never looked up costs on its event loop) against a second lookup (a cache hit).
var endpoint = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
var writes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
var folder = Path.Combine(Path.GetTempPath(), "hpx-storebench-" + Guid.NewGuid().ToString("N")[..8]);

var faster = await Measure("faster", FasterDataStore.Open(new StoreOptions { Directory = folder }));
var garnet = await Measure("garnet", await GarnetDataStore.ConnectAsync(new GarnetStoreOptions
{
    Endpoints = [endpoint],
    KeyPrefix = "bench" + Guid.NewGuid().ToString("N")[..8] + ":",
}));
Directory.Delete(folder, recursive: true);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"garnet/faster: durable writes/s {garnet.WritesPerSecond / faster.WritesPerSecond:F2}, write p99 {garnet.WriteP99Ms / faster.WriteP99Ms:F1}x, reads/s {garnet.ReadsPerSecond / faster.ReadsPerSecond:F2}"));
await MeasureDirectory();

async Task MeasureDirectory()
{
    var prefix = "benchdir" + Guid.NewGuid().ToString("N")[..8] + ":";
    await using var engine = await GarnetDataStore.ConnectAsync(new GarnetStoreOptions { Endpoints = [endpoint], KeyPrefix = prefix });
    await using var directory = await SessionDirectory.StartAsync(engine.Connection, new SessionDirectoryOptions
    {
        NodeId = "bench",
        KeyPrefix = prefix,
        Heartbeat = TimeSpan.FromSeconds(5),
        Ttl = TimeSpan.FromSeconds(30),
    }, NullLogger.Instance);
    var users = Enumerable.Range(0, writes).Select(i => Encoding.UTF8.GetBytes($"user{i}@store.lit")).ToArray();
    foreach (var user in users)
    {
        directory.Publish(user, "r"u8, 0, available: true);
    }

    await engine.CommitAsync();
    await Task.Delay(TimeSpan.FromSeconds(2)); // the invalidations of those writes have come back before measuring

    var misses = new double[users.Length];
    double hitNanoseconds = 0;
    var thread = new Thread(() =>
    {
        for (var i = 0; i < users.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            directory.Lookup(users[i]);
            misses[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < users.Length; i++)
        {
            directory.Lookup(users[i]);
        }

        hitNanoseconds = clock.Elapsed.TotalNanoseconds / users.Length;
    });
    thread.Start();
    thread.Join();
    var mean = misses.Average();
    Array.Sort(misses);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"directory: {users.Length} first lookups (cache miss, one HGETALL): mean {mean:F0} us, p50 {misses[users.Length / 2]:F0} us, p99 {misses[(int)(users.Length * 0.99)]:F0} us; cached lookup {hitNanoseconds:F0} ns; miss/hit {mean * 1000 / hitNanoseconds:F0}x"));

    // A login's probes over 200 uncached contacts: one miss each, or SessionDirectory.Warm's one pipelined batch first
    // (what ClusterRoutes.SendProbes does). Logins alternate between the two so that both see the same machine.
    const int Contacts = 200;
    var logins = Math.Max(2, users.Length / Contacts) & ~1;
    var contacts = Enumerable.Range(0, logins * Contacts).Select(i => Encoding.UTF8.GetBytes($"contact{i}@store.lit")).ToArray();
    foreach (var contact in contacts)
    {
        directory.Publish(contact, "r"u8, 0, available: true);
    }

    await engine.CommitAsync();
    await Task.Delay(TimeSpan.FromSeconds(2));
    var sequential = new List<double>();
    var warmed = new List<double>();
    var probes = new Thread(() =>
    {
        for (var login = 0; login < logins; login++)
        {
            var block = contacts.AsSpan(login * Contacts, Contacts);
            var started = Stopwatch.GetTimestamp();
            if (login % 2 == 1)
            {
                directory.Warm(block);
            }

            foreach (var contact in block)
            {
                directory.Lookup(contact);
            }

            (login % 2 == 1 ? warmed : sequential).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    });
    probes.Start();
    probes.Join();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"directory: a login's lookups of {Contacts} uncached contacts ({logins / 2} logins each way): one miss each {sequential.Average():F2} ms, warmed in one batch {warmed.Average():F2} ms; sequential/warmed {sequential.Average() / warmed.Average():F1}x"));
}

async Task<Result> Measure(string name, IDataStore store)
{
    await using (store)
    {
        var owner = Encoding.UTF8.GetBytes("bench@store.lit");
        var latencies = new double[writes];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < writes)
            {
                var item = new RosterItemRecord { Jid = Encoding.UTF8.GetBytes($"contact{i}@store.lit"), Subscription = SubscriptionState.Both };
                var started = Stopwatch.GetTimestamp();
                await store.Rosters.SetAsync(owner, item);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        var writeSeconds = clock.Elapsed.TotalSeconds;

        var account = Encoding.UTF8.GetBytes("reader@store.lit");
        await store.Accounts.CreateAsync(account, new AccountRecord { Iterations = 4096 });
        var reads = writes * 2;
        var done = -1;
        clock.Restart();

        // Dedicated threads, as the server's event loops are: a synchronous read that blocks thread-pool threads can
        // starve the client's own completions (StackExchange.Redis timeouts), which a loop thread does not.
        var threads = Enumerable.Range(0, Math.Min(writers, 8)).Select(_ => new Thread(() =>
        {
            while (Interlocked.Increment(ref done) < reads)
            {
                store.Accounts.TryGet(account, out var _);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
        var readSeconds = clock.Elapsed.TotalSeconds;

        Array.Sort(latencies);
        var result = new Result(writes / writeSeconds, latencies[writes / 2], latencies[(int)(writes * 0.99)], reads / readSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {writes} roster sets by {writers} writers: {result.WritesPerSecond:F0} durable writes/s, ack p50 {result.WriteP50Ms:F2} ms, p99 {result.WriteP99Ms:F2} ms; {reads} account reads: {result.ReadsPerSecond:F0}/s"));
        return result;
    }
}

internal readonly record struct Result(double WritesPerSecond, double WriteP50Ms, double WriteP99Ms, double ReadsPerSecond);
