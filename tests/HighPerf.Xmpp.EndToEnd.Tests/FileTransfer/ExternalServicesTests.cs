using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>XEP-0215 external service discovery of STUN/TURN servers, with TURN REST API credentials.</summary>
public sealed class ExternalServicesTests
{
    private const string Secret = "north-wind-secret";

    private static Task<TestServer> StartAsync() => TestServers.StartAsync(c =>
    {
        Enable(c, "extdisco");
        c.Modules.Extdisco.Services =
        [
            new ExternalServiceConfig { Type = "stun", Host = "stun.example.org", Port = 3478, Transport = "udp" },
            new ExternalServiceConfig { Type = "turn", Host = "turn.example.org", Port = 3478, Transport = "udp", Secret = Secret, CredentialTtlSeconds = 3600 },
            new ExternalServiceConfig { Type = "turns", Host = "turn.example.org", Port = 5349, Transport = "tcp", Secret = Secret, Name = "TURN over TLS" },
        ];
    });

    [Fact]
    public async Task The_services_are_listed_with_short_lived_turn_credentials_that_coturn_would_accept()
    {
        await using var server = await StartAsync();
        await using var client = await server.LoginAsync("alice");
        Assert.Contains("urn:xmpp:extdisco:2", await client.FeaturesAsync("localhost"));

        var before = DateTimeOffset.UtcNow;
        var reply = await client.IqResultAsync("get", "<services xmlns='urn:xmpp:extdisco:2'/>", "localhost");
        var services = reply.Element(ExtDisco + "services")!.Elements(ExtDisco + "service").ToList();
        Assert.Equal(["stun", "turn", "turns"], services.Select(s => (string)s.Attribute("type")!));

        var stun = services[0];
        Assert.Equal(("stun.example.org", "3478", "udp"), ((string?)stun.Attribute("host"), (string?)stun.Attribute("port"), (string?)stun.Attribute("transport")));
        Assert.Null(stun.Attribute("username"));

        var turn = services[1];
        var username = (string)turn.Attribute("username")!;
        var expiry = long.Parse(username[..username.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        Assert.Equal("alice@localhost", username[(username.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        Assert.InRange(expiry, before.AddSeconds(3600).ToUnixTimeSeconds() - 1, DateTimeOffset.UtcNow.AddSeconds(3600).ToUnixTimeSeconds() + 1);
        Assert.Equal(CoturnPassword(Secret, username), (string?)turn.Attribute("password"));
        var expires = DateTimeOffset.Parse((string)turn.Attribute("expires")!, CultureInfo.InvariantCulture);
        Assert.Equal(expiry, expires.ToUnixTimeSeconds());
        Assert.Equal("TURN over TLS", (string?)services[2].Attribute("name"));
    }

    [Fact]
    public async Task Services_of_one_type_and_credentials_for_one_service_can_be_asked_for()
    {
        await using var server = await StartAsync();
        await using var client = await server.LoginAsync("alice");
        var turns = await client.IqResultAsync("get", "<services xmlns='urn:xmpp:extdisco:2' type='turn'/>");
        Assert.Equal("turn", (string?)turns.Element(ExtDisco + "services")!.Attribute("type"));
        Assert.Single(turns.Descendants(ExtDisco + "service"));

        var credentials = await client.IqResultAsync("get", "<credentials xmlns='urn:xmpp:extdisco:2'><service host='turn.example.org' type='turns'/></credentials>", "localhost");
        var service = Assert.Single(credentials.Element(ExtDisco + "credentials")!.Elements(ExtDisco + "service"));
        Assert.Equal("5349", (string?)service.Attribute("port"));
        Assert.Equal(CoturnPassword(Secret, (string)service.Attribute("username")!), (string?)service.Attribute("password"));

        Assert.Equal("item-not-found", await client.IqErrorAsync("get", "<credentials xmlns='urn:xmpp:extdisco:2'><service host='other.example.org' type='turn'/></credentials>", "localhost"));
        Assert.Equal("bad-request", await client.IqErrorAsync("get", "<credentials xmlns='urn:xmpp:extdisco:2'/>", "localhost"));
        Assert.Equal("bad-request", await client.IqErrorAsync("set", "<services xmlns='urn:xmpp:extdisco:2'/>", "localhost"));
    }

    [Fact]
    public async Task Without_the_module_the_server_does_not_claim_the_feature()
    {
        await using var server = await TestServers.StartAsync();
        await using var client = await server.LoginAsync("alice");
        Assert.DoesNotContain("urn:xmpp:extdisco:2", await client.FeaturesAsync("localhost"));
        Assert.Equal("service-unavailable", await client.IqErrorAsync("get", "<services xmlns='urn:xmpp:extdisco:2'/>", "localhost"));
    }

    /// <summary>coturn's check (turn_server.c, REST API): base64(HMAC-SHA1(static-auth-secret, username)).</summary>
    private static string CoturnPassword(string secret, string username)
        => Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    [Fact]
    public void The_turn_rest_credentials_match_a_known_vector()
    {
        // HMAC-SHA1("north-wind-secret", "1700000000:alice@localhost"), computed with Python's hmac module.
        var (username, password) = HighPerf.Xmpp.Modules.ExternalServices.TurnCredentials.Create(Secret, "alice@localhost", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        Assert.Equal("1700000000:alice@localhost", username);
        Assert.Equal("WyXk+ZBa1rSG+EAX17IWu7jFbPE=", password);
    }
}
