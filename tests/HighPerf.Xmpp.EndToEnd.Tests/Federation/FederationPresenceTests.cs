using HighPerf.Xmpp.EndToEnd.Tests.Im;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>RFC 6121 subscriptions and presence between users of two federated servers.</summary>
public sealed class FederationPresenceTests : IAsyncLifetime
{
    private FederatedPair _pair = null!;

    public async Task InitializeAsync() => _pair = await FederatedPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task Mutual_subscription_across_servers_ends_in_both_with_presence_each_way()
    {
        await using var romeo = await ImSteps.OnlineAsync(_pair.Alpha, "romeo", "r");
        await using var juliet = await ImSteps.OnlineAsync(_pair.Beta, "juliet", "r");

        // Romeo asks; Juliet's server delivers the request from his bare JID.
        await romeo.SendAsync("<presence to='juliet@beta.test' type='subscribe'/>");
        var pending = await romeo.ExpectPushAsync("juliet@beta.test");
        Assert.Equal("subscribe", (string?)pending.Attribute("ask"));
        await juliet.ExpectPresenceAsync("romeo@alpha.test", "subscribe");

        // Juliet approves: both rosters change, Romeo gets 'subscribed' and her current presence. His server delivers
        // the presence at once and the rest once his roster change is durable, so the order varies.
        await juliet.SendAsync("<presence to='romeo@alpha.test' type='subscribed'/>");
        Assert.Equal("from", (string?)(await juliet.ExpectPushAsync("romeo@alpha.test")).Attribute("subscription"));
        var his = await FederationSteps.ExpectAllAsync(romeo, e => ImSteps.IsRosterPush(e, "juliet@beta.test"), e => FederationSteps.IsPresence(e, "juliet@beta.test", "subscribed"), e => FederationSteps.IsPresence(e, "juliet@beta.test/r", null));
        var hisItem = FederationSteps.ItemOf(his[0]);
        Assert.Equal("to", (string?)hisItem.Attribute("subscription"));
        Assert.Null(hisItem.Attribute("ask"));

        // And back the other way.
        await juliet.SendAsync("<presence to='romeo@alpha.test' type='subscribe'/>");
        await juliet.ExpectPushAsync("romeo@alpha.test");
        await romeo.ExpectPresenceAsync("juliet@beta.test", "subscribe");
        await romeo.SendAsync("<presence to='juliet@beta.test' type='subscribed'/>");
        Assert.Equal("both", (string?)(await romeo.ExpectPushAsync("juliet@beta.test")).Attribute("subscription"));
        var hers = await FederationSteps.ExpectAllAsync(juliet, e => ImSteps.IsRosterPush(e, "romeo@alpha.test"), e => FederationSteps.IsPresence(e, "romeo@alpha.test", "subscribed"), e => FederationSteps.IsPresence(e, "romeo@alpha.test/r", null));
        Assert.Equal("both", (string?)FederationSteps.ItemOf(hers[0]).Attribute("subscription"));

        // A presence update crosses; a logout is seen as unavailable on the other server.
        await romeo.SendAsync("<presence><show>away</show></presence>");
        var away = await juliet.ExpectPresenceAsync("romeo@alpha.test/r");
        Assert.Equal("away", away.Element(ImSteps.Client + "show")?.Value);
        await juliet.SendAsync("<presence type='unavailable'/>");
        await romeo.ExpectPresenceAsync("juliet@beta.test/r", "unavailable");
    }

    [Fact]
    public async Task A_new_resource_learns_its_remote_contacts_presence_through_probes()
    {
        await using (var romeo = await ImSteps.OnlineAsync(_pair.Alpha, "romeo", "first"))
        await using (var juliet = await ImSteps.OnlineAsync(_pair.Beta, "juliet", "r"))
        {
            await romeo.SendAsync("<presence to='juliet@beta.test' type='subscribe'/>");
            await romeo.ExpectPushAsync("juliet@beta.test");
            await juliet.ExpectPresenceAsync("romeo@alpha.test", "subscribe");
            await juliet.SendAsync("<presence to='romeo@alpha.test' type='subscribed'/>");
            await ExpectBothAsync(romeo, "juliet@beta.test", "subscribed", "juliet@beta.test/r", null);

            // Romeo's later resource: its initial presence sends a probe, which Juliet's server answers.
            await using var later = await ImSteps.OnlineAsync(_pair.Alpha, "romeo", "second");
            await later.ExpectPresenceAsync("juliet@beta.test/r");
        }
    }

    private static async Task ExpectBothAsync(TestKit.XmppTestClient client, string firstFrom, string? firstType, string secondFrom, string? secondType)
    {
        bool Is(System.Xml.Linq.XElement e, string from, string? type)
            => e.Name == ImSteps.Client + "presence" && (string?)e.Attribute("from") == from && (string?)e.Attribute("type") == type;

        var first = await client.ExpectAsync(e => Is(e, firstFrom, firstType) || Is(e, secondFrom, secondType));
        if (Is(first, firstFrom, firstType))
        {
            await client.ExpectAsync(e => Is(e, secondFrom, secondType));
        }
        else
        {
            await client.ExpectAsync(e => Is(e, firstFrom, firstType));
        }
    }
}
