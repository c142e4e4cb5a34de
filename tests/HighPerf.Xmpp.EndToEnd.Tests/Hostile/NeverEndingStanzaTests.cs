using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>A client that starts a stanza and never ends it: the size limit cuts it off; others are not slowed down.</summary>
public sealed class NeverEndingStanzaTests : IAsyncLifetime
{
    private const int MaxStanzaBytes = 64 * 1024;
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(c => c.Limits.MaxStanzaBytes = MaxStanzaBytes, users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Bound_client_sending_an_endless_stanza_gets_policy_violation_while_others_stay_responsive()
    {
        await using var probe = await Probe.StartAsync(_server);
        await using var hostile = await _server.LoginAsync("alice", "endless");
        await RunEndlessAsync(hostile, "<message to='bob@localhost'><body>", probe);
        await _server.WaitUntilUnboundAsync("alice@localhost/endless");
        await probe.RoundTripAsync();
    }

    [Fact]
    public async Task Unauthenticated_client_sending_an_endless_element_gets_policy_violation()
    {
        await using var probe = await Probe.StartAsync(_server);
        await using var hostile = await _server.ConnectAsync();
        await hostile.OpenStreamAsync();
        await RunEndlessAsync(hostile, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>", probe);
        await probe.RoundTripAsync();
    }

    [Fact]
    public async Task Client_sending_an_endless_attribute_value_gets_policy_violation()
    {
        await using var probe = await Probe.StartAsync(_server);
        await using var hostile = await _server.LoginAsync("alice", "endless-attribute");
        await RunEndlessAsync(hostile, "<message to='bob@localhost' id='", probe);
    }

    /// <summary>
    /// Sends <paramref name="start"/> and then filler until the server's stream error arrives (read at the
    /// same time, so it is seen before the connection resets), probing another pair of clients all along.
    /// </summary>
    private static async Task RunEndlessAsync(XmppTestClient hostile, string start, Probe probe)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var error = hostile.ExpectStreamErrorAsync("policy-violation", TimeSpan.FromSeconds(15));
        var probing = probe.KeepProbingAsync(stop.Token, TimeSpan.FromMilliseconds(50));
        var filler = Encoding.UTF8.GetBytes(new string('a', 4096));
        await hostile.SendAsync(start);
        var sent = 0L;
        try
        {
            while (!error.IsCompleted && !stop.IsCancellationRequested && sent < 100L * MaxStanzaBytes)
            {
                await hostile.SendRawAsync(filler);
                sent += filler.Length;
            }
        }
        catch (IOException)
        {
            // The server closed the connection under us: expected once the limit is hit.
        }

        await error;
        await stop.CancelAsync();
        Assert.True(await probing > 0);
        Assert.True(sent < 100L * MaxStanzaBytes, "the server kept accepting an endless stanza");
    }
}
