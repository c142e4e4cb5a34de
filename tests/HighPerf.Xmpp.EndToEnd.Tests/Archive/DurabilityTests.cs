using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Modules.Mam;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Archive.MamSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>
/// The archive keeps what it acknowledged by delivering: across a clean restart, across kill -9 of the real server
/// (a child process) right after the recipient got the messages, and for exactly the retention period.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task The_archive_and_its_ids_survive_a_restart()
    {
        await using var server = await TestServers.StartAsync(users: ["alice", "bob"]);
        string id;
        await using (var alice = await server.LoginAsync("alice"))
        await using (var bob = await server.LoginAsync("bob"))
        {
            await alice.BecomeAvailableAsync();
            await bob.BecomeAvailableAsync();
            id = StanzaId(await alice.ChatAsync(bob, "before restart"), "bob@localhost")!;
        }

        await server.RestartAsync();
        await using var reader = await server.LoginAsync("bob");
        var answer = await reader.QueryResultAsync();
        Assert.Equal(id, Assert.Single(answer.Results).Id);
        Assert.Equal("before restart", answer.Bodies.Single());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    public async Task Every_delivered_message_is_in_the_archive_after_a_kill_9(int killAfter)
    {
        using var folder = new CliFolder();
        foreach (var user in new[] { "alice", "bob" })
        {
            var created = await folder.RunToExitWithInputAsync("secret\n", "adduser", $"{user}@localhost");
            Assert.True(created.ExitCode == 0, created.ToString());
        }

        var delivered = new List<(string Id, string StanzaId)>();
        var server = folder.StartServer();
        try
        {
            var endPoint = await server.WaitForListenerAsync();
            await using var alice = await XmppTestClient.LoginAsync(endPoint, "localhost", "alice", "secret", "crash");
            await using var bob = await XmppTestClient.LoginAsync(endPoint, "localhost", "bob", "secret", "crash");
            await bob.BecomeAvailableAsync();
            var writer = Task.Run(async () =>
            {
                try
                {
                    for (var i = 0; i < 5000; i++)
                        await alice.SendAsync($"<message to='bob@localhost' type='chat' id='k{i}'><body>message {i}</body></message>");
                }
                catch (IOException)
                {
                    // the server is gone
                }
            });

            while (delivered.Count < killAfter)
            {
                var next = await bob.NextAsync(TimeSpan.FromSeconds(30));
                if (next.Element is { } e && e.Name == Client + "message" && ((string?)e.Attribute("id"))?.StartsWith('k') == true)
                    delivered.Add(((string)e.Attribute("id")!, StanzaId(e, "bob@localhost")!));
            }

            // SIGKILL: no shutdown path, no final checkpoint or commit.
            await server.DisposeAsync();
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        await using var restarted = folder.StartServer();
        var again = await restarted.WaitForListenerAsync(timeout: TimeSpan.FromSeconds(60));
        await using var reader = await XmppTestClient.LoginAsync(again, "localhost", "bob", "secret", "after");
        var archived = new Dictionary<string, string>();
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var answer = await reader.QueryResultAsync(rsm: $"<max>250</max>{(after is null ? "" : $"<after>{after}</after>")}");
            foreach (var (resultId, message, _) in answer.Results)
                archived[resultId] = (string)message.Attribute("id")!;
            after = answer.Last;
            if (answer.Complete)
                break;
        }

        foreach (var (id, stanzaId) in delivered)
        {
            Assert.True(archived.TryGetValue(stanzaId, out var archivedId), $"{id} ({stanzaId}) was delivered but is not in the archive after the kill");
            Assert.Equal(id, archivedId);
        }

        restarted.Signal(15);
        Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Retention_forgets_messages_older_than_the_configured_days()
    {
        var clock = new MovableClock();
        var module = new MamModule(new MamOptions { Retention = TimeSpan.FromDays(7), RetentionSweepInterval = TimeSpan.FromMilliseconds(100), Clock = clock });
        await using var server = await TestServers.StartAsync(
            c => c.Modules.Enabled = ["roster", "presence", "offline", "disco", "blocking", "carbons", "sm"],
            users: ["alice", "bob"], extraModules: [module]);
        await using var alice = await server.LoginAsync("alice");
        await using var bob = await server.LoginAsync("bob");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();

        await alice.ChatAsync(bob, "old news");
        clock.Advance(TimeSpan.FromDays(6));
        await alice.ChatAsync(bob, "six days later");
        Assert.Equal(["old news", "six days later"], (await bob.QueryResultAsync()).Bodies);
        var archive = server.Host.Server.Store.Archive;
        var beginBefore = archive.Space.BeginAddress;

        clock.Advance(TimeSpan.FromDays(2));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        MamSteps.QueryAnswer answer;
        do
        {
            await Task.Delay(100);
            answer = await bob.QueryResultAsync();
        }
        while (answer.Results.Count == 2 && DateTime.UtcNow < deadline);

        Assert.Equal(["six days later"], answer.Bodies);
        Assert.Equal(["six days later"], (await alice.QueryResultAsync()).Bodies);

        // The log is truncated after the forgetting (once a checkpoint covers it): up to the first entry kept.
        while (archive.Space.BeginAddress <= beginBefore && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.True(archive.Space.BeginAddress > beginBefore, $"the archive log was not truncated (begin {archive.Space.BeginAddress})");
    }

    /// <summary>A clock the test moves forward (timers still run on real time).</summary>
    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }
}
