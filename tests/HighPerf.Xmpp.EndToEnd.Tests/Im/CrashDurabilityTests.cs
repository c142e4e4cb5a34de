using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>
/// "Acknowledged means durable": the real server runs as a child process, a client pipelines roster sets,
/// the server is killed with SIGKILL mid-stream, and after a restart every acknowledged change is there.
/// </summary>
public sealed class CrashDurabilityTests
{
    [Theory]
    [InlineData(150)]
    [InlineData(400)]
    public async Task Every_acknowledged_roster_change_survives_a_kill_9(int killAfterMs)
    {
        using var folder = new CliFolder();
        var created = await folder.RunToExitWithInputAsync("secret\n", "adduser", "alice@localhost");
        Assert.True(created.ExitCode == 0, created.ToString());

        var acknowledged = new List<string>();
        var server = folder.StartServer();
        try
        {
            var endPoint = await server.WaitForListenerAsync();
            await using var alice = await XmppTestClient.LoginAsync(endPoint, "localhost", "alice", "secret", "crash");
            var writer = Task.Run(async () =>
            {
                try
                {
                    for (var i = 0; i < 5000; i++)
                    {
                        await alice.SendAsync($"<iq type='set' id='c{i}'><query xmlns='jabber:iq:roster'><item jid='contact{i}@localhost' name='n{i}'/></query></iq>");
                    }
                }
                catch (IOException)
                {
                    // the server is gone
                }
            });

            var killAt = DateTime.UtcNow.AddMilliseconds(killAfterMs);
            while (DateTime.UtcNow < killAt)
            {
                var next = await alice.NextAsync(TimeSpan.FromSeconds(10));
                if (next.Element is { } e && e.Name == ImSteps.Client + "iq" && (string?)e.Attribute("type") == "result")
                {
                    acknowledged.Add(e.Attribute("id")!.Value);
                }
            }

            // DisposeAsync kills the process (SIGKILL): no shutdown path runs.
            await server.DisposeAsync();
            await writer.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        Assert.NotEmpty(acknowledged);
        await using (var restarted = folder.StartServer())
        {
            var endPoint = await restarted.WaitForListenerAsync(timeout: TimeSpan.FromSeconds(60));
            await using var alice = await XmppTestClient.LoginAsync(endPoint, "localhost", "alice", "secret", "after");
            var roster = await alice.GetRosterAsync();
            var present = roster!.Elements(ImSteps.Roster + "item").Select(i => (string)i.Attribute("jid")!).ToHashSet();
            foreach (var id in acknowledged)
            {
                Assert.Contains($"contact{id[1..]}@localhost", present);
            }

            restarted.Signal(15);
            Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
