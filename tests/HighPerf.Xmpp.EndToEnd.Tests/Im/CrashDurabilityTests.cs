using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>
/// "Acknowledged means durable": the real server runs as a child process, a client pipelines roster sets,
/// the server is killed with SIGKILL mid-stream, and after a restart every acknowledged change is there.
/// The kill comes after a number of acknowledgements, not after a time: a fast server acknowledged all of a
/// time-bounded stream before the kill, so the test waited for answers that could not come.
/// </summary>
public sealed class CrashDurabilityTests
{
    private const int RosterSets = 20_000;

    [Theory]
    [InlineData(200)]
    [InlineData(3000)]
    public async Task Every_acknowledged_roster_change_survives_a_kill_9(int killAfterAcks)
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
                    for (var i = 0; i < RosterSets; i++)
                    {
                        await alice.SendAsync($"<iq type='set' id='c{i}'><query xmlns='jabber:iq:roster'><item jid='contact{i}@localhost' name='n{i}'/></query></iq>");
                    }
                }
                catch (IOException)
                {
                    // the server is gone
                }
            });

            while (acknowledged.Count < killAfterAcks)
            {
                var next = await alice.NextAsync(TimeSpan.FromSeconds(30));
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
            System.Xml.Linq.XElement? roster;
            try { roster = await alice.GetRosterAsync(); }
            catch (Exception e) { throw new InvalidOperationException("DEBUG " + restarted.Output, e); }
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
