using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Logging;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>XEP-0198 over WebSocket (RFC 7395): a browser tab whose connection drops resumes on a new WebSocket and
/// misses nothing, and a session can move between WebSocket and TCP.</summary>
public sealed class WebSocketResumptionTests
{
    private static readonly XNamespace Client = "jabber:client";
    private static readonly XNamespace Sm = "urn:xmpp:sm:3";

    private static async Task<string> EnableResumableAsync(WebSocketTestClient client)
    {
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        var enabled = await client.NextAsync();
        Assert.Equal(Sm + "enabled", enabled.Name);
        return (string)enabled.Attribute("id")!;
    }

    /// <summary>A new WebSocket: open, SCRAM, the restart &lt;open/&gt;, then &lt;resume/&gt; instead of bind.</summary>
    private static async Task<(WebSocketTestClient Client, XElement Answer)> ResumeAsync(TestServer server, string user, string previd, uint h)
    {
        var client = await WebSocketTestClient.ConnectAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false));
        await client.OpenAsync();
        Assert.Equal(WebSocketTestClient.Sasl + "success", (await client.AuthenticateAsync(user, "secret")).Name);
        var (_, features) = await client.OpenAsync();
        Assert.NotNull(features.Element(Sm + "sm"));
        await client.SendAsync($"<resume xmlns='urn:xmpp:sm:3' previd='{previd}' h='{h}'/>");
        return (client, await client.NextAsync());
    }

    private static string Chat(string to, string id) => $"<message to='{to}' type='chat' id='{id}'><body>{id}</body></message>";

    [Fact]
    public async Task A_dropped_websocket_resumes_on_a_new_one_and_gets_what_it_missed_once()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp, ["alice", "bob", "carol", "dave"], loggerFactory: log.Factory);
        var tab = await WebSocketTestClient.LoginAsync(WebSocketTestClient.UriOf(server.HttpEndPoint, secure: false), "alice", "tab");
        var id = await EnableResumableAsync(tab);
        await using var bob = await server.LoginAsync("bob", "tcp");
        await bob.SendAsync(Chat("alice@localhost/tab", "w1"));
        await tab.ExpectAsync(e => (string?)e.Attribute("id") == "w1");
        await tab.AbortAsync();
        await log.WaitForAsync(1100, e => e.Message.Contains("alice@localhost/tab", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await bob.SendAsync(Chat("alice@localhost/tab", "w2"));
        await bob.SendAsync(Chat("alice@localhost/tab", "w3"));
        var (again, answer) = await ResumeAsync(server, "alice", id, 1);
        await using var resumed = again;
        Assert.Equal(Sm + "resumed", answer.Name);
        Assert.Equal("w2", (await resumed.ExpectAsync(e => e.Name == Client + "message")).Attribute("id")?.Value);
        Assert.Equal("w3", (await resumed.ExpectAsync(e => e.Name == Client + "message")).Attribute("id")?.Value);

        // It carries on as the same resource, both ways.
        await resumed.SendAsync("<message xmlns='jabber:client' to='bob@localhost/tcp' type='chat' id='back'><body>back</body></message>");
        var atBob = await bob.ExpectAsync(e => (string?)e.Attribute("id") == "back");
        Assert.Equal("alice@localhost/tab", (string?)atBob.Attribute("from"));
        await bob.SendAsync(Chat("alice@localhost/tab", "w4"));
        await resumed.ExpectAsync(e => (string?)e.Attribute("id") == "w4");
    }

    [Fact]
    public async Task A_session_begun_over_tcp_resumes_over_websocket()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp, ["alice", "bob", "carol", "dave"], loggerFactory: log.Factory);
        var phone = await server.LoginAsync("carol", "phone");
        await phone.SendAsync("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        var enabled = await phone.NextElementAsync();
        var id = (string)enabled.Attribute("id")!;
        await phone.DisposeAsync(); // socket gone without </stream:stream>
        await log.WaitForAsync(1100, e => e.Message.Contains("carol@localhost/phone", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await using var dave = await server.LoginAsync("dave", "pc");
        await dave.SendAsync(Chat("carol@localhost/phone", "x1"));
        var (again, answer) = await ResumeAsync(server, "carol", id, 0);
        await using var resumed = again;
        Assert.Equal(Sm + "resumed", answer.Name);
        var message = await resumed.ExpectAsync(e => e.Name == Client + "message");
        Assert.Equal("x1", (string?)message.Attribute("id"));
        Assert.Equal("dave@localhost/pc", (string?)message.Attribute("from"));
    }
}
