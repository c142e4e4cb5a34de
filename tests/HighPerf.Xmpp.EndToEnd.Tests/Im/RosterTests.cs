using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

public sealed class RosterTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        foreach (var user in new[] { "romeo", "juliet", "nurse", "tybalt" })
        {
            await _server.AddUserAsync(user, "secret");
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<XmppTestClient> LoginAsync(string user, string resource)
        => XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, user, "secret", resource);

    [Fact]
    public async Task Roster_get_of_a_new_account_is_empty_with_a_version()
    {
        await using var romeo = await LoginAsync("romeo", "a");
        var query = await romeo.GetRosterAsync();
        Assert.NotNull(query);
        Assert.Empty(query!.Elements());
        Assert.NotNull(query.Attribute("ver"));
    }

    [Fact]
    public async Task Roster_set_is_answered_and_pushed_to_every_interested_resource()
    {
        await using var balcony = await LoginAsync("romeo", "balcony");
        await using var chamber = await LoginAsync("romeo", "chamber");
        await using var quiet = await LoginAsync("romeo", "quiet"); // never asks for the roster
        await balcony.GetRosterAsync();
        await chamber.GetRosterAsync();

        var result = await balcony.SetRosterAsync("<item jid='nurse@localhost' name='Nurse'><group>Servants</group></item>");
        Assert.Equal("result", (string?)result.Attribute("type"));
        foreach (var client in new[] { balcony, chamber })
        {
            var item = await client.ExpectPushAsync("nurse@localhost");
            Assert.Equal("Nurse", (string?)item.Attribute("name"));
            Assert.Equal("none", (string?)item.Attribute("subscription"));
            Assert.Equal("Servants", item.Element(ImSteps.Roster + "group")?.Value);
        }

        await quiet.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Roster_result_larger_than_the_outbound_bound_is_delivered_whole()
    {
        // The outbound bound stops a queue piling up behind a reader that does not read; one reply the server
        // builds (here 600 items, about three times the bound) is not that, and must arrive.
        await using var server = await TestServers.StartAsync(c => c.Limits.OutboundQueueBytes = 16 * 1024, users: ["romeo"]);
        await using var romeo = await server.LoginAsync("romeo", "big");
        const int items = 600;
        const int batch = 50; // results of one batch stay far below the bound however slowly this client reads
        for (var first = 0; first < items; first += batch)
        {
            for (var i = first; i < first + batch; i++)
            {
                await romeo.SendAsync($"<iq type='set' id='big{i}'><query xmlns='jabber:iq:roster'><item jid='contact{i}@example.net' name='Contact number {i}'/></query></iq>");
            }

            // Each result follows its own commit wait, so results of one batch may come in any order (iq results are
            // matched by id, RFC 6120 §8.2.3); every one must come, and as a result.
            var missing = new HashSet<string>(Enumerable.Range(first, batch).Select(i => "big" + i));
            while (missing.Count > 0)
            {
                var result = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "iq" && missing.Contains((string?)e.Attribute("id") ?? ""));
                Assert.Equal("result", (string?)result.Attribute("type"));
                missing.Remove((string)result.Attribute("id")!);
            }
        }

        var query = await romeo.GetRosterAsync();
        Assert.Equal(items, query!.Elements(ImSteps.Roster + "item").Count());
    }

    [Fact]
    public async Task Roster_get_returns_items_and_an_empty_result_when_the_version_is_current()
    {
        await using var romeo = await LoginAsync("romeo", "ver");
        await romeo.GetRosterAsync();
        await romeo.SetRosterAsync("<item jid='tybalt@localhost'/>");
        await romeo.ExpectPushAsync("tybalt@localhost");

        var query = await romeo.GetRosterAsync();
        var ver = (string?)query!.Attribute("ver");
        Assert.Contains(query.Elements(ImSteps.Roster + "item"), i => (string?)i.Attribute("jid") == "tybalt@localhost");

        var cached = await romeo.GetRosterAsync(ver);
        Assert.Null(cached); // RFC 6121 §2.6.3: empty result, the client's copy is current
    }

    [Fact]
    public async Task Roster_remove_pushes_subscription_remove_and_a_second_remove_is_item_not_found()
    {
        await using var juliet = await LoginAsync("juliet", "rm");
        await juliet.GetRosterAsync();
        await juliet.SetRosterAsync("<item jid='nurse@localhost'/>");
        await juliet.ExpectPushAsync("nurse@localhost");

        var removed = await juliet.SetRosterAsync("<item jid='nurse@localhost' subscription='remove'/>");
        Assert.Equal("result", (string?)removed.Attribute("type"));
        var push = await juliet.ExpectPushAsync("nurse@localhost");
        Assert.Equal("remove", (string?)push.Attribute("subscription"));

        var again = await juliet.SetRosterAsync("<item jid='nurse@localhost' subscription='remove'/>");
        Assert.Equal("item-not-found", ImSteps.ErrorCondition(again));
    }

    [Theory]
    [InlineData("<item jid='a@localhost'/><item jid='b@localhost'/>", "bad-request")]
    [InlineData("<item jid='a@localhost'><group>X</group><group>X</group></item>", "bad-request")]
    [InlineData("<item jid='a@localhost'><group></group></item>", "not-acceptable")]
    [InlineData("<item jid='romeo@localhost'/>", "not-acceptable")]
    [InlineData("<item jid='bad@@localhost'/>", "jid-malformed")]
    [InlineData("<item name='no jid'/>", "bad-request")]
    public async Task Invalid_roster_sets_get_the_rfc_6121_error(string items, string condition)
    {
        await using var romeo = await LoginAsync("romeo", "bad-" + Guid.NewGuid().ToString("N")[..6]);
        var response = await romeo.SetRosterAsync(items);
        Assert.Equal("error", (string?)response.Attribute("type"));
        Assert.Equal(condition, ImSteps.ErrorCondition(response));
    }

    [Fact]
    public async Task Roster_of_another_user_is_forbidden()
    {
        await using var romeo = await LoginAsync("romeo", "spy");
        await romeo.SendAsync("<iq type='get' id='spy1' to='juliet@localhost'><query xmlns='jabber:iq:roster'/></iq>");
        var response = await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "spy1"));
        Assert.Equal("forbidden", ImSteps.ErrorCondition(response));
    }

    [Fact]
    public async Task A_roster_change_survives_a_server_restart()
    {
        await using (var nurse = await LoginAsync("nurse", "keep"))
        {
            var result = await nurse.SetRosterAsync("<item jid='juliet@localhost' name='Lady'/>");
            Assert.Equal("result", (string?)result.Attribute("type"));
        }

        await _server.RestartAsync();
        await using var again = await LoginAsync("nurse", "keep");
        var query = await again.GetRosterAsync();
        var item = Assert.Single(query!.Elements(ImSteps.Roster + "item"), i => (string?)i.Attribute("jid") == "juliet@localhost");
        Assert.Equal("Lady", (string?)item.Attribute("name"));
    }
}
