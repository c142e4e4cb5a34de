using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Logging;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>
/// A client that stops reading while others send to it: its outbound queue reaches the configured bound and
/// it is disconnected, instead of the server holding ever more memory for it. The senders are not affected.
/// </summary>
public sealed class SlowReaderTests
{
    [Fact]
    public async Task Reader_that_stops_reading_is_disconnected_at_the_outbound_bound_and_senders_carry_on()
    {
        var log = new TestLog();
        // The flood waits for archive commits (XEP-0313), so more of it is still in flight when the reader is cut; that
        // rest goes to offline storage, whose cap is raised so that it does not bounce back at the flooder.
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Limits.OutboundQueueBytes = 16 * 1024;
            c.Storage.OfflineMessagesPerUser = 1_000_000;
        }, users: ["alice", "bob", "carol"], loggerFactory: log.Factory);
        await using var probe = await Probe.StartAsync(server);

        // A tiny receive window makes the kernel stop taking data for it almost at once.
        await using var stalled = await server.LoginAsync("bob", "stalled", receiveBufferSize: 4096);
        await using var alice = await server.LoginAsync("alice", "flooder");

        var message = $"<message to='bob@localhost/stalled' type='chat'><body>{new string('x', 1000)}</body></message>";
        var batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(message, 64)));
        var sent = 0L;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.IsBound("bob@localhost/stalled"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"still bound after {sent / 1024} KiB were sent to it");
            Assert.True(sent < 256L * 1024 * 1024, "256 MiB queued for a client that does not read");
            await alice.SendRawAsync(batch);
            sent += batch.Length;
        }

        await log.WaitForAsync(2004);
        await probe.RoundTripAsync();
        await alice.SendAsync("<message to='alice@localhost/flooder' id='still-here'><body>ok</body></message>");
        await alice.ExpectAsync(Wire.Reply("still-here"));
    }
}
