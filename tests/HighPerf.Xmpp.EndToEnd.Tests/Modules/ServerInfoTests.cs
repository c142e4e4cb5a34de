using System.Globalization;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>XEP-0199 ping, XEP-0092 software version and XEP-0202 entity time, answered by the server.</summary>
public sealed class ServerInfoTests : IAsyncLifetime
{
    private static readonly XNamespace Version = "jabber:iq:version";
    private static readonly XNamespace Time = "urn:xmpp:time";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ping_to_the_server_or_without_to_is_answered_with_an_empty_result()
    {
        await using var alice = await _server.LoginAsync("alice");
        var reply = await alice.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        Assert.Empty(reply.Elements());
        Assert.Equal("localhost", (string?)reply.Attribute("from"));
        await alice.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>");
    }

    [Fact]
    public async Task Ping_as_a_set_is_bad_request_and_to_another_account_is_service_unavailable()
    {
        await using var alice = await _server.LoginAsync("alice");
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<ping xmlns='urn:xmpp:ping'/>", "localhost"));
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "bob@localhost"));
    }

    [Fact]
    public async Task Ping_to_a_full_jid_is_routed_to_that_client()
    {
        await using var alice = await _server.LoginAsync("alice", "a");
        await using var bob = await _server.LoginAsync("bob", "b");
        await alice.SendAsync("<iq type='get' id='p1' to='bob@localhost/b'><ping xmlns='urn:xmpp:ping'/></iq>");
        var ping = await bob.ExpectAsync(Wire.Reply("p1"));
        Assert.Equal("alice@localhost/a", (string?)ping.Attribute("from"));
        await bob.SendAsync("<iq type='result' id='p1' to='alice@localhost/a'/>");
        var pong = await alice.ExpectAsync(Wire.Reply("p1"));
        Assert.Equal("bob@localhost/b", (string?)pong.Attribute("from"));
    }

    [Fact]
    public async Task Version_reports_name_and_version_without_the_operating_system()
    {
        await using var alice = await _server.LoginAsync("alice");
        var query = (await alice.IqResultAsync("get", "<query xmlns='jabber:iq:version'/>", "localhost")).Element(Version + "query")!;
        Assert.Equal("HighPerf XMPP", query.Element(Version + "name")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(query.Element(Version + "version")?.Value));
        Assert.Null(query.Element(Version + "os"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<query xmlns='jabber:iq:version'/>", "localhost"));
    }

    [Fact]
    public async Task Version_shows_the_configured_name_version_and_operating_system()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Modules.Version.Name = "Example & Co";
            c.Modules.Version.Version = "9.9";
            c.Modules.Version.ShowOperatingSystem = true;
        });
        await using var alice = await server.LoginAsync("alice");
        var query = (await alice.IqResultAsync("get", "<query xmlns='jabber:iq:version'/>", "localhost")).Element(Version + "query")!;
        Assert.Equal("Example & Co", query.Element(Version + "name")?.Value);
        Assert.Equal("9.9", query.Element(Version + "version")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(query.Element(Version + "os")?.Value));
    }

    [Fact]
    public async Task Time_reports_the_utc_time_and_offset()
    {
        await using var alice = await _server.LoginAsync("alice");
        var before = DateTime.UtcNow.AddSeconds(-1);
        var time = (await alice.IqResultAsync("get", "<time xmlns='urn:xmpp:time'/>", "localhost")).Element(Time + "time")!;
        var utc = DateTime.Parse(time.Element(Time + "utc")!.Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(utc, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Matches(@"^[+-]\d\d:\d\d$", time.Element(Time + "tzo")!.Value);
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<time xmlns='urn:xmpp:time'/>", "localhost"));
    }
}
