using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Modules.ModuleSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>XEP-0077 in-band registration, password change and cancellation.</summary>
public sealed class RegisterTests
{
    private const string Password = "correct horse";

    private static Action<ServerConfig> WithRegistration(Action<RegisterConfig>? configure = null) => c =>
    {
        c.Modules.Enabled = ["roster", "presence", "offline", "disco", "ping", "private", "vcard", "last", "register"];
        configure?.Invoke(c.Modules.Register);
    };

    [Fact]
    public async Task Registration_is_off_by_default_and_an_iq_before_authentication_ends_the_stream()
    {
        await using var server = await TestServers.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        var features = await client.StartTlsAsync();
        Assert.Null(features.Element(RegisterFeature + "register"));
        await client.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>");
        await client.ExpectStreamErrorAsync("not-authorized");
    }

    [Fact]
    public async Task Registration_is_offered_after_tls_with_plain_fields_and_a_data_form()
    {
        await using var server = await TestServers.StartAsync(WithRegistration());
        await using var client = await server.ConnectAsync();
        var plain = await client.OpenStreamAsync();
        Assert.Null(plain.Element(RegisterFeature + "register")); // TLS first: passwords never travel in the clear
        var features = await client.StartTlsAsync();
        Assert.NotNull(features.Element(RegisterFeature + "register"));

        var query = (await client.IqResultAsync("get", "<query xmlns='jabber:iq:register'/>")).Element(Register + "query")!;
        Assert.NotNull(query.Element(Register + "username"));
        Assert.NotNull(query.Element(Register + "password"));
        var form = query.Element(DataForms + "x")!;
        Assert.Equal("form", (string?)form.Attribute("type"));
        var fields = form.Elements(DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!);
        Assert.Equal("jabber:iq:register", fields["FORM_TYPE"].Element(DataForms + "value")?.Value);
        Assert.Equal("text-private", (string?)fields["password"].Attribute("type"));
        Assert.NotNull(fields["username"].Element(DataForms + "required"));
    }

    [Fact]
    public async Task An_account_registered_in_band_logs_in_on_the_same_stream_and_on_a_new_one()
    {
        await using var server = await TestServers.StartAsync(WithRegistration());
        await using (var client = await server.ConnectAsync())
        {
            await client.OpenStreamAsync();
            await client.StartTlsAsync();
            await client.IqResultAsync("set", $"<query xmlns='jabber:iq:register'><username>Carol</username><password>{Password}</password></query>");
            Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("carol", Password)).Name);
            await client.OpenStreamAsync();
            Assert.Equal("carol@localhost/r", await client.BindAsync("r"));
        }

        await using var again = await XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, "carol", Password);
        Assert.StartsWith("carol@localhost/", again.Jid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_through_the_data_form_creates_the_account()
    {
        await using var server = await TestServers.StartAsync(WithRegistration());
        await using var client = await PreAuthAsync(server);
        await client.IqResultAsync("set", "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>"
            + $"<field var='username'><value>dave</value></field><field var='password'><value>{Password}</value></field></x></query>");
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("dave", Password)).Name);
    }

    [Fact]
    public async Task Registration_refuses_a_taken_name_missing_or_short_passwords_bad_names_and_cancel_before_login()
    {
        await using var server = await TestServers.StartAsync(WithRegistration(r => r.MaxAttemptsPerAddress = 100));
        await using var client = await PreAuthAsync(server);
        Assert.Equal("conflict", await client.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>alice</username><password>{Password}</password></query>"));
        Assert.Equal("not-acceptable", await client.IqErrorAsync("set", "<query xmlns='jabber:iq:register'><username>erin</username></query>"));
        Assert.Equal("not-acceptable", await client.IqErrorAsync("set", "<query xmlns='jabber:iq:register'><username>erin</username><password>short</password></query>"));
        Assert.Equal("jid-malformed", await client.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>er in</username><password>{Password}</password></query>"));
        Assert.Equal("jid-malformed", await client.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>erin@evil.example</username><password>{Password}</password></query>"));
        Assert.Equal("not-authorized", await client.IqErrorAsync("set", "<query xmlns='jabber:iq:register'><remove/></query>"));
        Assert.False(server.Host.Server.Store.Accounts.TryGet("erin@localhost"u8, out _));
    }

    [Fact]
    public async Task Registration_attempts_are_rate_limited_per_address()
    {
        await using var server = await TestServers.StartAsync(WithRegistration(r => r.MaxAttemptsPerAddress = 2));
        await using var client = await PreAuthAsync(server);
        await client.IqResultAsync("set", $"<query xmlns='jabber:iq:register'><username>u1</username><password>{Password}</password></query>");
        Assert.Equal("conflict", await client.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>u1</username><password>{Password}</password></query>"));
        Assert.Equal("policy-violation", await client.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>u2</username><password>{Password}</password></query>"));

        // The limit is per address, not per connection.
        await using var other = await PreAuthAsync(server);
        Assert.Equal("policy-violation", await other.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>u3</username><password>{Password}</password></query>"));
        Assert.False(server.Host.Server.Store.Accounts.TryGet("u3@localhost"u8, out _));
    }

    [Fact]
    public async Task With_registration_closed_new_accounts_are_not_allowed_but_passwords_can_change()
    {
        await using var server = await TestServers.StartAsync(WithRegistration(r => r.AllowRegistration = false));
        await using (var client = await server.ConnectAsync())
        {
            await client.OpenStreamAsync();
            Assert.Null((await client.StartTlsAsync()).Element(RegisterFeature + "register"));
            Assert.Equal("not-allowed", await client.IqErrorAsync("get", "<query xmlns='jabber:iq:register'/>"));
        }

        await using var alice = await server.LoginAsync("alice");
        await alice.IqResultAsync("set", $"<query xmlns='jabber:iq:register'><username>alice</username><password>{Password}</password></query>");
    }

    [Fact]
    public async Task A_changed_password_is_the_one_that_logs_in()
    {
        await using var server = await TestServers.StartAsync(WithRegistration());
        await using (var alice = await server.LoginAsync("alice"))
        {
            var registered = (await alice.IqResultAsync("get", "<query xmlns='jabber:iq:register'/>", "localhost")).Element(Register + "query")!;
            Assert.NotNull(registered.Element(Register + "registered"));
            Assert.Equal("alice", registered.Element(Register + "username")?.Value);

            Assert.Equal("not-allowed", await alice.IqErrorAsync("set", $"<query xmlns='jabber:iq:register'><username>bob</username><password>{Password}</password></query>"));
            Assert.Equal("not-acceptable", await alice.IqErrorAsync("set", "<query xmlns='jabber:iq:register'><username>alice</username><password>x</password></query>"));
            await alice.IqResultAsync("set", $"<query xmlns='jabber:iq:register'><username>alice</username><password>{Password}</password></query>", "localhost");
        }

        await using var again = await XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, "alice", Password);
        await using var old = await server.ConnectAsync();
        await old.OpenStreamAsync();
        await old.StartTlsAsync();
        Assert.Equal("not-authorized", Wire.SaslFailure(await old.AuthenticateAsync("alice", "secret")));
    }

    [Fact]
    public async Task Cancelling_deletes_the_account_roster_offline_messages_and_private_data_and_ends_its_sessions()
    {
        await using var server = await TestServers.StartAsync(WithRegistration());
        var store = server.Host.Server.Store;
        var alice = await server.LoginAsync("alice", "a");
        var other = await server.LoginAsync("alice", "b");
        await using (var bob = await server.LoginAsync("bob"))
        {
            await alice.IqResultAsync("set", "<query xmlns='jabber:iq:roster'><item jid='bob@localhost'/></query>");
            await alice.IqResultAsync("set", "<query xmlns='jabber:iq:private'><exodus xmlns='exodus:prefs'/></query>");
            await alice.IqResultAsync("set", "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>");

            // Neither resource is available: a message to the bare JID is stored offline.
            await bob.SendAsync("<message to='alice@localhost' type='chat' id='o1'><body>later</body></message>");
            await WaitAsync(() => store.Offline.Count("alice@localhost"u8) == 1);
        }

        await alice.IqResultAsync("set", "<query xmlns='jabber:iq:register'><remove/></query>");
        await alice.ExpectStreamErrorAsync("not-authorized", skipOthers: true);
        await other.ExpectStreamErrorAsync("not-authorized", skipOthers: true);
        await alice.DisposeAsync();
        await other.DisposeAsync();

        Assert.False(store.Accounts.TryGet("alice@localhost"u8, out _));
        Assert.Empty(store.Rosters.GetAll("alice@localhost"u8));
        Assert.Equal(0, store.Offline.Count("alice@localhost"u8));
        Assert.Null(store.UserData.Get("alice@localhost"u8, Encoding.UTF8.GetBytes("private:exodus:prefs")));
        Assert.Null(store.UserData.Get("alice@localhost"u8, "vcard"u8));
        await server.WaitUntilUnboundAsync("alice@localhost/a");
        Assert.Null(store.UserData.Get("alice@localhost"u8, "last"u8)); // no logout time for a deleted account

        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "secret")));
    }

    private static async Task<XmppTestClient> PreAuthAsync(TestServer server)
    {
        var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        return client;
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true.");
            await Task.Delay(20);
        }
    }
}
