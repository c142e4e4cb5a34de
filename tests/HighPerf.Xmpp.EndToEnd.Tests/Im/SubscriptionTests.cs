using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>RFC 6121 §3: the subscription handshake, with the roster pushes and states it produces.</summary>
public sealed class SubscriptionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        foreach (var user in new[] { "romeo", "juliet", "mercutio", "benvolio", "paris", "rosaline" })
        {
            await _server.AddUserAsync(user, "secret");
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<XmppTestClient> OnlineAsync(string user, string resource = "r") => ImSteps.OnlineAsync(_server, user, resource);

    [Fact]
    public async Task Mutual_subscription_goes_none_to_both_with_pushes_and_presence_on_each_side()
    {
        await using var romeo = await OnlineAsync("romeo");
        await using var juliet = await OnlineAsync("juliet");

        // Romeo asks: his roster shows none + ask; Juliet receives the request from his bare JID.
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        var pending = await romeo.ExpectPushAsync("juliet@localhost");
        Assert.Equal("none", (string?)pending.Attribute("subscription"));
        Assert.Equal("subscribe", (string?)pending.Attribute("ask"));
        await juliet.ExpectPresenceAsync("romeo@localhost", "subscribe");

        // Juliet approves: her roster shows from; his shows to; he gets 'subscribed' and her presence.
        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribed'/>");
        var herItem = await juliet.ExpectPushAsync("romeo@localhost");
        Assert.Equal("from", (string?)herItem.Attribute("subscription"));
        var hisItem = await romeo.ExpectPushAsync("juliet@localhost");
        Assert.Equal("to", (string?)hisItem.Attribute("subscription"));
        Assert.Null(hisItem.Attribute("ask"));
        await romeo.ExpectPresenceAsync("juliet@localhost", "subscribed");
        await romeo.ExpectPresenceAsync("juliet@localhost/r");

        // And back: both end with 'both'.
        await juliet.SendAsync("<presence to='romeo@localhost' type='subscribe'/>");
        await juliet.ExpectPushAsync("romeo@localhost");
        await romeo.ExpectPresenceAsync("juliet@localhost", "subscribe");
        await romeo.SendAsync("<presence to='juliet@localhost' type='subscribed'/>");
        Assert.Equal("both", (string?)(await romeo.ExpectPushAsync("juliet@localhost")).Attribute("subscription"));
        Assert.Equal("both", (string?)(await juliet.ExpectPushAsync("romeo@localhost")).Attribute("subscription"));
        await juliet.ExpectPresenceAsync("romeo@localhost/r");
    }

    [Fact]
    public async Task A_request_made_while_the_contact_is_offline_is_delivered_at_its_next_initial_presence()
    {
        await using (var mercutio = await OnlineAsync("mercutio"))
        {
            await mercutio.SendAsync("<presence to='benvolio@localhost' type='subscribe'><status>friends?</status></presence>");
            await mercutio.ExpectPushAsync("benvolio@localhost");
        }

        await using var benvolio = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "benvolio", "secret", "r");
        var roster = await benvolio.GetRosterAsync();
        Assert.Empty(roster!.Elements()); // a request is not a roster item (RFC 6121 §3.1.3)
        await benvolio.SendAsync("<presence/>");
        var request = await benvolio.ExpectPresenceAsync("mercutio@localhost", "subscribe");
        Assert.Equal("friends?", request.Element(ImSteps.Client + "status")?.Value);
    }

    [Fact]
    public async Task A_duplicate_request_is_neither_pushed_nor_delivered_again()
    {
        await using var paris = await OnlineAsync("paris");
        await using var rosaline = await OnlineAsync("rosaline");
        await paris.SendAsync("<presence to='rosaline@localhost' type='subscribe'/>");
        await paris.ExpectPushAsync("rosaline@localhost");
        await rosaline.ExpectPresenceAsync("paris@localhost", "subscribe");

        await paris.SendAsync("<presence to='rosaline@localhost' type='subscribe'/>");
        await paris.ExpectSilenceAsync(TimeSpan.FromMilliseconds(400));
        await rosaline.ExpectSilenceAsync(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task Declining_a_request_tells_the_requester_and_clears_its_ask()
    {
        await using var paris = await OnlineAsync("paris", "decline");
        await using var juliet = await OnlineAsync("juliet", "decline");
        await paris.SendAsync("<presence to='juliet@localhost' type='subscribe'/>");
        await paris.ExpectPushAsync("juliet@localhost");
        await juliet.ExpectPresenceAsync("paris@localhost", "subscribe");

        await juliet.SendAsync("<presence to='paris@localhost' type='unsubscribed'/>");
        var item = await paris.ExpectPushAsync("juliet@localhost");
        Assert.Null(item.Attribute("ask"));
        Assert.Equal("none", (string?)item.Attribute("subscription"));
        await paris.ExpectPresenceAsync("juliet@localhost", "unsubscribed");
    }

    [Fact]
    public async Task A_subscription_request_to_an_unknown_account_is_answered_unsubscribed()
    {
        await using var romeo = await OnlineAsync("romeo", "ghost");
        await romeo.SendAsync("<presence to='ghost@localhost' type='subscribe'/>");
        await romeo.ExpectPushAsync("ghost@localhost");
        await romeo.ExpectPresenceAsync("ghost@localhost", "unsubscribed");
    }

    [Fact]
    public async Task Pre_approved_requests_are_granted_without_asking()
    {
        await using var benvolio = await OnlineAsync("benvolio", "pre");
        await using var rosaline = await OnlineAsync("rosaline", "pre");
        await benvolio.SendAsync("<presence to='rosaline@localhost' type='subscribed'/>");
        var preApproved = await benvolio.ExpectPushAsync("rosaline@localhost");
        Assert.Equal("true", (string?)preApproved.Attribute("approved"));

        await rosaline.SendAsync("<presence to='benvolio@localhost' type='subscribe'/>");
        Assert.Equal("from", (string?)(await benvolio.ExpectPushAsync("rosaline@localhost")).Attribute("subscription"));
        await rosaline.ExpectPresenceAsync("benvolio@localhost", "subscribed");
        await rosaline.ExpectPresenceAsync("benvolio@localhost/pre");
    }
}
