using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>Resource binding (RFC 6120 §7), the conflict rule, and the legacy session iq (RFC 3921 §3).</summary>
public sealed class BindTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Features_after_authentication_offer_bind_and_optional_session()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.AuthenticateAsync("alice", "secret");
        var features = await client.OpenStreamAsync();
        Assert.NotNull(features.Element(XmppTestClient.BindNs + "bind"));
        Assert.Null(features.Element(XmppTestClient.Sasl + "mechanisms"));
    }

    [Fact]
    public async Task Client_chosen_resource_is_bound()
    {
        await using var client = await fixture.LoginAsync("alice", "balcony");
        Assert.Equal("alice@localhost/balcony", client.Jid);
        Assert.True(fixture.Server.IsBound("alice@localhost/balcony"));
    }

    [Fact]
    public async Task Missing_resource_gets_a_server_generated_one()
    {
        await using var first = await fixture.LoginAsync("alice");
        await using var second = await fixture.LoginAsync("alice");
        Assert.StartsWith("alice@localhost/", first.Jid, StringComparison.Ordinal);
        Assert.True(first.Jid!.Length > "alice@localhost/".Length);
        Assert.NotEqual(first.Jid, second.Jid);
    }

    [Fact]
    public async Task Resource_is_normalized()
    {
        await using var client = await fixture.LoginAsync("alice", "Orchard\u212B");
        Assert.Equal("alice@localhost/Orchard\u00C5", client.Jid);
    }

    [Fact]
    public async Task Oversized_resource_gets_bad_request()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.AuthenticateAsync("alice", "secret");
        await client.OpenStreamAsync();
        await client.SendAsync($"<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{new string('r', 1100)}</resource></bind></iq>");
        var reply = await client.NextElementAsync();
        Assert.Equal("bad-request", Wire.ErrorCondition(reply));
        Assert.Equal("b1", (string?)reply.Attribute("id"));
    }

    [Fact]
    public async Task Second_session_with_the_same_full_jid_replaces_the_first_with_conflict()
    {
        await using var first = await fixture.LoginAsync("bob", "phone");
        await using var second = await fixture.LoginAsync("bob", "phone");
        await first.ExpectStreamErrorAsync("conflict");

        // The new session owns the full JID now: stanzas to it arrive there.
        await using var alice = await fixture.LoginAsync("alice", "conflict-check");
        await alice.SendAsync("<message to='bob@localhost/phone' type='chat' id='c1'><body>who is there?</body></message>");
        var message = await second.ExpectAsync(Wire.Named("message"));
        Assert.Equal("c1", (string?)message.Attribute("id"));
        Assert.True(fixture.Server.IsBound("bob@localhost/phone"));
    }

    [Fact]
    public async Task Legacy_session_iq_after_bind_is_answered_with_result()
    {
        await using var client = await fixture.LoginAsync("carol", "legacy");
        await client.SendAsync("<iq type='set' id='sess1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
        var reply = await client.ExpectAsync(Wire.Reply("sess1"));
        Assert.Equal("result", (string?)reply.Attribute("type"));
    }

    [Fact]
    public async Task Legacy_session_iq_to_the_domain_is_answered_with_result()
    {
        await using var client = await fixture.LoginAsync("carol", "legacy-to");
        await client.SendAsync("<iq type='set' id='sess2' to='localhost'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
        var reply = await client.ExpectAsync(Wire.Reply("sess2"));
        Assert.Equal("result", (string?)reply.Attribute("type"));
    }

    [Fact]
    public async Task Stanza_after_authentication_before_bind_gets_not_authorized()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.AuthenticateAsync("alice", "secret");
        await client.OpenStreamAsync();
        await client.SendAsync("<message to='bob@localhost'><body>too early</body></message>");
        await client.ExpectStreamErrorAsync("not-authorized");
    }

    [Fact]
    public async Task Restart_and_bind_pipelined_with_the_sasl_exchange_are_handled_in_order()
    {
        // A client may send its new stream header without waiting for <success/> to arrive (RFC 6120 §6.4.6).
        await using var client = await fixture.ConnectSecureAsync();
        var plain = Convert.ToBase64String("\0alice\0secret"u8.ToArray());
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>"
            + Wire.StreamHeader
            + "<iq type='set' id='pipelined'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>pipelined</resource></bind></iq>");
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.NextElementAsync()).Name);
        Assert.Equal(XmppEventKind.StreamOpened, (await client.NextAsync()).Kind);
        Assert.NotNull((await client.NextElementAsync()).Element(XmppTestClient.BindNs + "bind"));
        var bound = await client.NextElementAsync();
        Assert.Equal("alice@localhost/pipelined", bound.Descendants(XmppTestClient.BindNs + "jid").Single().Value);
    }
}
