using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using Xunit.Abstractions;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>
/// The write path allocates nothing per routed stanza on the event loops: no parsed objects, and no Task or
/// closure for a delivery to a session on another loop (the per-session queue is drained by an IRunnable).
/// </summary>
public sealed class RoutingAllocationTests(ITestOutputHelper output)
{
    private const int Messages = 4000;
    private const int PerWrite = 50;
    private const int Bursts = 3;

    [Fact]
    public async Task Routed_messages_allocate_almost_nothing_per_stanza_on_the_event_loops()
    {
        // The archive (XEP-0313) is told to keep nothing: archived messages leave in one burst per archive commit,
        // which measures DotNetty's buffer recycling under bursts rather than routing (the archived path is
        // measured without sockets by perf/HighPerf.Benchmarks/Archive/ArchiveRoutingBenchmarks).
        var probe = new AllocationProbeModule();
        await using var server = await TestServers.StartAsync(c => c.Modules.Mam.DefaultPreference = "never", users: ["alice", "bob"], extraModules: [probe]);

        // Several recipients so that some deliveries cross loops and some stay on the sender's loop.
        await using var alice = await server.LoginAsync("alice", "sender");
        var bobs = new List<XmppTestClient>();
        for (var i = 0; i < 4; i++)
        {
            bobs.Add(await server.LoginAsync("bob", $"r{i}"));
        }

        try
        {
            // Warm up: first use of pools, scratch writers and JIT tiers.
            await BurstAsync(alice, bobs, 500, "warm");
            probe.BeginRound(0);
            await MarkAsync([alice, .. bobs]);

            // Several measured bursts: DotNetty recycles its pooled-buffer wrappers per thread, and a burst that
            // catches its recycler between refills pays for new wrappers (measured up to 150 bytes per message in one
            // burst of an otherwise quiet run). A cost the server adds per stanza shows in every burst, so the least
            // one is what is asserted.
            var perBurst = new List<double>();
            for (var round = 1; round <= Bursts; round++)
            {
                await BurstAsync(alice, bobs, Messages, $"m{round}-");
                probe.BeginRound(round);
                await MarkAsync([alice, .. bobs]);
                perBurst.Add(AllocatedDuring(probe, round) / (double)Messages);
            }

            output.WriteLine($"{probe.RoundReadings.Count} loop threads, bytes per message in each burst of {Messages}: {string.Join(", ", perBurst.Select(b => b.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
            Assert.NotEmpty(probe.RoundReadings);

            // Measured: 20-35 bytes per message in the least burst, all of it DotNetty's per read and per write
            // (pooled-buffer wrappers recycled across threads, a promise per write). A Task plus a closure per
            // cross-loop delivery would add over 100 bytes per message to every burst by itself.
            var least = perBurst.Min();
            Assert.True(least < 64, $"{least:F1} bytes allocated on the event loops per routed message in the least of {Bursts} bursts ({string.Join(", ", perBurst.Select(b => b.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))})");
        }
        finally
        {
            foreach (var bob in bobs)
            {
                await bob.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> messages round-robin to the recipients, <see cref="PerWrite"/> stanzas per
    /// TCP write, so that DotNetty's own costs per read and per flushed write (a promise per write in 0.7) are
    /// shared by many stanzas and what remains per message is the server's own routing and queueing.
    /// </summary>
    private static async Task BurstAsync(XmppTestClient alice, List<XmppTestClient> bobs, int count, string prefix)
    {
        var batch = new System.Text.StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var bob = bobs[i % bobs.Count];
            batch.Append($"<message to='{bob.Jid}' type='chat' id='{prefix}{i}'><body>message {i} of a burst</body></message>");
            if ((i + 1) % PerWrite == 0 || i == count - 1)
            {
                await alice.SendAsync(batch.ToString());
                batch.Clear();
            }
        }

        for (var b = 0; b < bobs.Count; b++)
        {
            var last = count - bobs.Count + b;
            await bobs[b].ExpectAsync(Wire.Reply($"{prefix}{last}"), TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Bytes the loop threads allocated during the burst before the marks of <paramref name="round"/>: on each thread,
    /// from its last mark of the round before to its first mark of this one.
    /// </summary>
    private static long AllocatedDuring(AllocationProbeModule probe, int round)
    {
        var total = 0L;
        foreach (var readings in probe.RoundReadings.Values)
        {
            lock (readings)
            {
                long? before = null;
                long? after = null;
                foreach (var (r, bytes) in readings)
                {
                    if (r == round - 1)
                    {
                        before = bytes;
                    }
                    else if (r == round && after is null)
                    {
                        after = bytes;
                    }
                }

                if (before is not null && after is not null)
                {
                    total += after.Value - before.Value;
                }
            }
        }

        return total;
    }

    private static async Task MarkAsync(IEnumerable<XmppTestClient> clients)
    {
        foreach (var client in clients)
        {
            await client.SendAsync($"<message to='{client.Jid}' id='mark'><x xmlns='{AllocationProbeModule.Mark}'/></message>");

            // A message to ourselves after the mark proves the mark was handled.
            await client.SendAsync($"<message to='{client.Jid}' id='after-mark'/>");
            await client.ExpectAsync(Wire.Reply("after-mark"));
        }
    }
}
