using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>XEP-0012 last activity: server uptime and a user's last logout.</summary>
public sealed class LastActivityTests
{
    private static readonly XNamespace Last = "jabber:iq:last";

    [Fact]
    public async Task Server_last_activity_is_its_uptime()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice");
        var seconds = Seconds(await alice.IqResultAsync("get", "<query xmlns='jabber:iq:last'/>", "localhost"));
        Assert.InRange(seconds, 0, (long)(DateTimeOffset.UtcNow - server.Host.Server.StartedAt).TotalSeconds + 1);
    }

    [Fact]
    public async Task A_subscribed_contact_sees_the_time_since_logout_durably_and_zero_while_online()
    {
        await using var server = await TestServers.StartAsync();
        await using (var alice = await server.LoginAsync("alice", "a"))
        await using (var bob = await server.LoginAsync("bob", "b"))
        {
            await DiscoTests.SubscribeAsync(bob, alice, "bob@localhost", "alice@localhost");
            await alice.SendAsync("<presence/>");
            await alice.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>"); // the presence was handled
            Assert.Equal(0, Seconds(await bob.IqResultAsync("get", "<query xmlns='jabber:iq:last'/>", "alice@localhost")));
        }

        await server.WaitUntilUnboundAsync("alice@localhost/a");
        await WaitUntilStoredAsync(server);
        await server.RestartAsync(); // the logout time is durable
        await using var bob2 = await server.LoginAsync("bob", "b2");
        var seconds = await WaitForStoredAsync(bob2);
        Assert.InRange(seconds, 0, 60);
    }

    [Fact]
    public async Task Strangers_are_forbidden_and_a_user_never_seen_offline_is_item_not_found()
    {
        await using var server = await TestServers.StartAsync(users: ["alice", "bob", "eve"]);
        await using var eve = await server.LoginAsync("eve");
        Assert.Equal("forbidden", await eve.IqErrorAsync("get", "<query xmlns='jabber:iq:last'/>", "alice@localhost"));

        // Alice asking about herself while not available (no presence sent) and never logged out before.
        await using var alice = await server.LoginAsync("alice");
        Assert.Equal("item-not-found", await alice.IqErrorAsync("get", "<query xmlns='jabber:iq:last'/>", "alice@localhost"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<query xmlns='jabber:iq:last'/>", "localhost"));
    }

    private static async Task WaitUntilStoredAsync(TestKit.TestServer server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (server.Host.Server.Store.UserData.Get("alice@localhost"u8, "last"u8) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The logout time was not stored.");
            await Task.Delay(20);
        }
    }

    private static async Task<long> WaitForStoredAsync(TestKit.XmppTestClient bob)
    {
        // The logout time is written when the session ends; the restart above commits it, so one query suffices.
        var reply = await bob.IqAsync("get", "<query xmlns='jabber:iq:last'/>", "alice@localhost");
        Assert.True((string?)reply.Attribute("type") == "result", reply.ToString());
        return Seconds(reply);
    }

    private static long Seconds(XElement reply) => long.Parse((string)reply.Element(Last + "query")!.Attribute("seconds")!, System.Globalization.CultureInfo.InvariantCulture);
}
