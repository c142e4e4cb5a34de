using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Logging;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>A bug while handling one client's input closes that connection (internal-server-error), never an event loop.</summary>
public sealed class ServerFaultTests : IAsyncLifetime
{
    private readonly TestLog _log = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"], loggerFactory: _log.Factory, extraModules: [new FaultyModule()]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Exception_while_handling_a_stanza_closes_only_that_connection_with_internal_server_error()
    {
        // Enough connections that every event loop serves some of them.
        var bystanders = new List<XmppTestClient>();
        for (var i = 0; i < 6; i++)
        {
            bystanders.Add(await _server.LoginAsync("bob", $"bystander{i}"));
        }

        try
        {
            for (var round = 0; round < 4; round++)
            {
                await using var victim = await _server.LoginAsync("alice", $"victim{round}");
                await victim.SendAsync($"<message to='bob@localhost/bystander0' id='boom'><x xmlns='{FaultyModule.Explode}'/></message>");
                await victim.ExpectStreamErrorAsync("internal-server-error");
                await _server.WaitUntilUnboundAsync($"alice@localhost/victim{round}");
            }

            Assert.Contains(_log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Exception is InvalidOperationException);
            foreach (var client in bystanders)
            {
                await client.SendAsync($"<message to='{client.Jid}' id='alive'><body>ping</body></message>");
                await client.ExpectAsync(Wire.Reply("alive"));
            }

            await using var late = await _server.LoginAsync("carol", "after-faults");
            Assert.Equal("carol@localhost/after-faults", late.Jid);
        }
        finally
        {
            foreach (var client in bystanders)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Exception_in_an_iq_handler_is_answered_with_internal_server_error_and_the_session_lives_on()
    {
        await using var alice = await _server.LoginAsync("alice", "iq-fault");
        await alice.SendAsync($"<iq to='localhost' type='get' id='f1'><query xmlns='{FaultyModule.FaultyNamespace}'/></iq>");
        Assert.Equal("internal-server-error", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("f1"))));
        await alice.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        Assert.Equal("result", (string?)(await alice.ExpectAsync(Wire.Reply("r1"))).Attribute("type"));
    }
}
