using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.StreamManagement.SmSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>XEP-0357 push: a test client logged in as pusher@localhost/app plays the app server.</summary>
public sealed class PushTests : IAsyncLifetime
{
    private static readonly XNamespace PubSub = "http://jabber.org/protocol/pubsub";
    private static readonly XNamespace Push = "urn:xmpp:push:0";
    private static readonly XNamespace Data = "jabber:x:data";
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(users: ["alice", "bob", "pusher", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string EnableIq(string node, string extra = "")
        => $"<iq type='set' id='push-on'><enable xmlns='urn:xmpp:push:0' jid='pusher@localhost/app' node='{node}'>{extra}</enable></iq>";

    private static bool IsPublish(XElement e) => e.Name == Client + "iq" && e.Element(PubSub + "pubsub") is not null;

    private static string? Field(XElement publish, string var)
        => publish.Descendants(Data + "field").FirstOrDefault(f => (string?)f.Attribute("var") == var)?.Element(Data + "value")?.Value;

    [Fact]
    public async Task A_message_for_a_user_who_is_offline_publishes_a_summary_without_the_body_to_the_app_server_registered_before_a_restart()
    {
        await using (var alice = await _server.LoginAsync("alice", "phone"))
        {
            await alice.SendAsync(EnableIq("node-1",
                "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var='secret'><value>s3cr3t</value></field></x>"));
            var result = await alice.ExpectAsync(e => (string?)e.Attribute("id") == "push-on");
            Assert.Equal("result", (string?)result.Attribute("type"));
        }

        await _server.RestartAsync(); // acknowledged = durable
        await using var pusher = await _server.LoginAsync("pusher", "app");
        await using var bob = await _server.LoginAsync("bob", "b");
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='p1'><body>very private</body></message>");
        var first = await pusher.ExpectAsync(IsPublish);
        Assert.Equal("set", (string?)first.Attribute("type"));
        Assert.Equal("alice@localhost", (string?)first.Attribute("from"));
        var publish = first.Element(PubSub + "pubsub")!.Element(PubSub + "publish")!;
        Assert.Equal("node-1", (string?)publish.Attribute("node"));
        Assert.NotNull(publish.Element(PubSub + "item")?.Element(Push + "notification"));
        Assert.Equal("urn:xmpp:push:summary", Field(first, "FORM_TYPE"));
        Assert.Equal("1", Field(first, "message-count"));
        Assert.Equal("bob@localhost/b", Field(first, "last-message-sender"));
        Assert.Null(Field(first, "last-message-body"));
        Assert.DoesNotContain("very private", first.ToString(), StringComparison.Ordinal);
        Assert.Equal("s3cr3t", first.Element(PubSub + "pubsub")!.Element(PubSub + "publish-options")?.Descendants(Data + "value").Last().Value);
        await pusher.SendAsync($"<iq type='result' to='alice@localhost' id='{first.Attribute("id")!.Value}'/>");

        await bob.SendAsync("<message to='alice@localhost' type='chat' id='p2'><body>again</body></message>");
        Assert.Equal("2", Field(await pusher.ExpectAsync(IsPublish), "message-count"));

        // Once she is back, her offline messages wait for her and nothing is pushed.
        await using var alice2 = await _server.LoginAsync("alice", "phone");
        await alice2.BecomeAvailableAsync();
        await bob.SendAsync("<message to='alice@localhost' type='chat' id='p3'><body>live</body></message>");
        await alice2.ExpectAsync(e => (string?)e.Attribute("id") == "p3");
        await pusher.ExpectSilenceAsync(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task A_user_whose_only_session_is_detached_gets_pushes_and_disable_stops_them()
    {
        await using var pusher = await _server.LoginAsync("pusher", "app");
        var (carol, id) = await LoginResumableAsync(_server, "carol", "phone");
        await carol.SendAsync(EnableIq("node-c"));
        await carol.ExpectAsync(e => (string?)e.Attribute("id") == "push-on");
        await carol.BecomeAvailableAsync();
        await using var bob = await _server.LoginAsync("bob", "c");
        await bob.SendAsync("<message to='carol@localhost' type='chat' id='live'><body>hi</body></message>");
        await pusher.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // carol is connected: no push
        await carol.DisposeAsync(); // the phone loses its network
        await Task.Delay(200);

        await bob.SendAsync("<message to='carol@localhost' type='chat' id='while-away'><body>hi</body></message>");
        var push = await pusher.ExpectAsync(IsPublish);
        Assert.Equal("node-c", (string?)push.Descendants(PubSub + "publish").Single().Attribute("node"));
        Assert.Equal("bob@localhost/c", Field(push, "last-message-sender"));

        // The phone wakes up on the push, resumes, gets the message and switches push off.
        var (again, _) = await AuthenticatedAsync(_server, "carol");
        await using var resumed = again;
        Assert.Equal(Sm + "resumed", (await ResumeAsync(resumed, id, 2)).Name);
        await resumed.ExpectAsync(e => (string?)e.Attribute("id") == "while-away");
        await resumed.SendAsync("<iq type='set' id='push-off'><disable xmlns='urn:xmpp:push:0' jid='pusher@localhost/app'/></iq>");
        Assert.Equal("result", (string?)(await resumed.ExpectAsync(e => (string?)e.Attribute("id") == "push-off")).Attribute("type"));
        await resumed.SendAsync("</stream:stream>");
        await resumed.ExpectClosedAsync();
        await bob.SendAsync("<message to='carol@localhost' type='chat' id='after-disable'><body>hi</body></message>");
        await pusher.ExpectSilenceAsync(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task Enable_without_a_node_is_a_bad_request()
    {
        await using var alice = await _server.LoginAsync("alice", "bad");
        await alice.SendAsync("<iq type='set' id='no-node'><enable xmlns='urn:xmpp:push:0' jid='pusher@localhost/app'/></iq>");
        var error = await alice.ExpectAsync(e => (string?)e.Attribute("id") == "no-node");
        Assert.Equal("error", (string?)error.Attribute("type"));
    }
}
