using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>XEP-0160 offline storage and RFC 6121 §8.5 delivery to users without an available resource.</summary>
public sealed class OfflineTests : IAsyncLifetime
{
    private static readonly System.Xml.Linq.XNamespace Delay = "urn:xmpp:delay";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(config => config.Storage.OfflineMessagesPerUser = 3);
        foreach (var user in new[] { "olivia", "viola", "sebastian", "orsino", "malvolio" })
        {
            await _server.AddUserAsync(user, "secret");
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Messages_for_an_offline_user_survive_a_restart_and_arrive_in_order_with_a_delay_stamp()
    {
        await using (var viola = await ImSteps.OnlineAsync(_server, "viola", "v"))
        {
            await viola.SendAsync("<message to='olivia@localhost' type='chat' id='o1'><body>one</body></message>");
            await viola.SendAsync("<message to='olivia@localhost/gone' id='o2'><body>two</body></message>");
            await viola.SendAsync("<message to='olivia@localhost' type='headline'><body>never stored</body></message>");
            await viola.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // the sender is not told of success
        }

        await _server.RestartAsync();

        await using var olivia = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "olivia", "secret", "o");
        await olivia.SendAsync("<presence/>");
        var first = await olivia.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        var second = await olivia.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal(["one", "two"], new[] { first, second }.Select(m => m.Element(ImSteps.Client + "body")?.Value));
        Assert.Equal("viola@localhost/v", (string?)first.Attribute("from"));
        Assert.NotNull(first.Element(Delay + "delay")?.Attribute("stamp"));
        await Assert.ThrowsAsync<TimeoutException>(() => olivia.ExpectAsync(e => e.Name == ImSteps.Client + "message", TimeSpan.FromMilliseconds(400)));
    }

    [Fact]
    public async Task Offline_messages_are_delivered_once()
    {
        await using (var orsino = await ImSteps.OnlineAsync(_server, "orsino", "o"))
        {
            await orsino.SendAsync("<message to='sebastian@localhost' type='chat'><body>once</body></message>");
            await orsino.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200));
        }

        await using (var first = await ImSteps.OnlineAsync(_server, "sebastian", "one"))
        {
            await first.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        }

        await using var second = await ImSteps.OnlineAsync(_server, "sebastian", "two");
        await Assert.ThrowsAsync<TimeoutException>(() => second.ExpectAsync(e => e.Name == ImSteps.Client + "message", TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_full_offline_queue_bounces_with_service_unavailable()
    {
        await using var orsino = await ImSteps.OnlineAsync(_server, "orsino", "flood");
        for (var i = 0; i < 3; i++)
        {
            await orsino.SendAsync($"<message to='malvolio@localhost' type='chat' id='f{i}'><body>{i}</body></message>");
        }

        await orsino.SendAsync("<message to='malvolio@localhost' type='chat' id='f3'><body>too many</body></message>");
        var bounce = await orsino.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == "f3");
        Assert.Equal("error", (string?)bounce.Attribute("type"));
        Assert.Equal("service-unavailable", ImSteps.ErrorCondition(bounce));
    }

    [Fact]
    public async Task A_message_to_an_unknown_account_is_bounced()
    {
        await using var viola = await ImSteps.OnlineAsync(_server, "viola", "unknown");
        await viola.SendAsync("<message to='nobody@localhost' type='chat' id='u1'><body>?</body></message>");
        var bounce = await viola.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal("service-unavailable", ImSteps.ErrorCondition(bounce));
        Assert.Equal("nobody@localhost", (string?)bounce.Attribute("from"));
    }
}
