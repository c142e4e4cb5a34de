using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>The "iq" columns of the routing table in src/ARCHITECTURE.md (RFC 6120 §8.2.3, §10.3; RFC 6121 §8.5).</summary>
public sealed class IqRoutingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Iq_without_to_and_unknown_payload_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-none");
        await alice.SendAsync("<iq type='get' id='q1'><query xmlns='urn:example:unknown'/></iq>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("q1"))));
    }

    [Fact]
    public async Task Iq_without_to_handled_by_a_module_is_answered_for_the_senders_account()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-roster");
        await alice.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        var reply = await alice.ExpectAsync(Wire.Reply("r1"));
        Assert.Equal("result", (string?)reply.Attribute("type"));
    }

    [Theory]
    [InlineData("result")]
    [InlineData("error")]
    public async Task Iq_response_without_to_is_dropped(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-none-" + type);
        await alice.SendAsync($"<iq type='{type}' id='resp'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("set")]
    public async Task Iq_to_own_server_with_unknown_namespace_gets_service_unavailable_from_the_domain(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-server-" + type);
        await alice.SendAsync($"<iq to='localhost' type='{type}' id='s1'><query xmlns='urn:example:nobody-handles-this'/></iq>");
        var error = await alice.ExpectAsync(Wire.Reply("s1"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(error));
        Assert.Equal("localhost", (string?)error.Attribute("from"));
        Assert.Equal("alice@localhost/iq-server-" + type, (string?)error.Attribute("to"));
    }

    [Fact]
    public async Task Iq_to_own_server_without_payload_gets_bad_request()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-server-empty");
        await alice.SendAsync("<iq to='localhost' type='get' id='empty'/>");
        Assert.Equal("bad-request", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("empty"))));
    }

    [Theory]
    [InlineData("result")]
    [InlineData("error")]
    public async Task Iq_response_to_own_server_is_dropped(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-server-resp-" + type);
        await alice.SendAsync($"<iq to='localhost' type='{type}' id='sr'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Iq_to_domain_resource_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-domain-resource");
        await alice.SendAsync("<iq to='localhost/admin' type='get' id='dr'><query xmlns='urn:example:x'/></iq>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("dr"))));
    }

    [Fact]
    public async Task Iq_to_bare_jid_account_exists_with_unknown_payload_gets_service_unavailable_from_the_bare_jid()
    {
        await using var bob = await fixture.LoginAsync("bob", "iq-bare-target");
        await using var alice = await fixture.LoginAsync("alice", "iq-bare");
        await alice.SendAsync("<iq to='bob@localhost' type='get' id='b1'><query xmlns='urn:example:unknown'/></iq>");
        var error = await alice.ExpectAsync(Wire.Reply("b1"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(error));
        Assert.Equal("bob@localhost", (string?)error.Attribute("from"));
        await bob.ExpectSilenceAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Iq_to_own_bare_jid_with_unknown_payload_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-own-bare");
        await alice.SendAsync("<iq to='alice@localhost' type='set' id='ob'><x xmlns='urn:example:unknown'/></iq>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("ob"))));
    }

    [Theory]
    [InlineData("result")]
    [InlineData("error")]
    public async Task Iq_response_to_bare_jid_is_dropped(string type)
    {
        await using var bob = await fixture.LoginAsync("bob", "iq-bare-resp-" + type);
        await using var alice = await fixture.LoginAsync("alice", "iq-bare-resp-" + type);
        await alice.SendAsync($"<iq to='bob@localhost' type='{type}' id='br'/>");
        await bob.ExpectSilenceAsync(Quiet);
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Iq_to_bare_jid_without_account_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-nobody");
        await alice.SendAsync("<iq to='nobody@localhost' type='get' id='n1'><query xmlns='jabber:iq:version'/></iq>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("n1"))));
    }

    [Fact]
    public async Task Iq_to_full_jid_session_bound_is_delivered_and_its_result_routed_back()
    {
        await using var bob = await fixture.LoginAsync("bob", "iq-full");
        await using var alice = await fixture.LoginAsync("alice", "iq-full");
        await alice.SendAsync("<iq to='bob@localhost/iq-full' type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>");
        var request = await bob.ExpectAsync(Wire.Reply("v1"));
        Assert.Equal("alice@localhost/iq-full", (string?)request.Attribute("from"));
        await bob.SendAsync("<iq to='alice@localhost/iq-full' type='result' id='v1'><query xmlns='jabber:iq:version'><name>test</name></query></iq>");
        var result = await alice.ExpectAsync(Wire.Reply("v1"));
        Assert.Equal("result", (string?)result.Attribute("type"));
        Assert.Equal("bob@localhost/iq-full", (string?)result.Attribute("from"));
        Assert.Equal("test", result.Descendants().Single(e => e.Name.LocalName == "name").Value);
    }

    [Fact]
    public async Task Iq_to_full_jid_carries_a_jabber_rpc_call_and_response()
    {
        await using var server = await fixture.LoginAsync("bob", "rpc-server");
        await using var client = await fixture.LoginAsync("alice", "rpc-client");
        const string Call = "<iq type='set' to='bob@localhost/rpc-server' id='rpc1'><query xmlns='jabber:iq:rpc'><methodCall>"
            + "<methodName>examples.getStateName</methodName><params><param><value><i4>6</i4></value></param></params>"
            + "</methodCall></query></iq>";
        await client.SendAsync(Call);
        var received = await server.ExpectEventAsync(Wire.Reply("rpc1"));
        Assert.Equal(WithFrom(Call, "iq", "alice@localhost/rpc-client"), received.Xml);
        var call = received.Element!;
        Assert.Equal("examples.getStateName", call.Descendants().Single(e => e.Name.LocalName == "methodName").Value);

        const string Response = "<iq type='result' to='alice@localhost/rpc-client' id='rpc1'><query xmlns='jabber:iq:rpc'><methodResponse>"
            + "<params><param><value><string>Colorado</string></value></param></params></methodResponse></query></iq>";
        await server.SendAsync(Response);
        var answer = await client.ExpectEventAsync(Wire.Reply("rpc1"));
        Assert.Equal(WithFrom(Response, "iq", "bob@localhost/rpc-server"), answer.Xml);
    }

    [Theory]
    [InlineData(Jingle)]
    [InlineData(StreamInitiation)]
    [InlineData(Unknown)]
    public async Task Iq_to_full_jid_with_unknown_namespaced_children_passes_byte_for_byte_apart_from_the_stamped_from(string template)
    {
        await using var bob = await fixture.LoginAsync("bob", "e2e-target");
        await using var alice = await fixture.LoginAsync("alice", "e2e-source");
        var stanza = template.Replace("{to}", "bob@localhost/e2e-target", StringComparison.Ordinal);
        await alice.SendAsync(stanza);
        var received = await bob.ExpectEventAsync(e => e.Name.LocalName == "iq");
        Assert.Equal(WithFrom(stanza, "iq", "alice@localhost/e2e-source"), received.Xml);
    }

    [Fact]
    public async Task Iq_from_own_bare_jid_has_its_from_replaced_by_the_full_jid()
    {
        await using var bob = await fixture.LoginAsync("bob", "replace-target");
        await using var alice = await fixture.LoginAsync("alice", "replace-source");
        await alice.SendAsync("<iq from='alice@localhost' to='bob@localhost/replace-target' type='get' id='rf'><ping xmlns='urn:xmpp:ping'/></iq>");
        var received = await bob.ExpectEventAsync(Wire.Reply("rf"));
        Assert.Equal("<iq from='alice@localhost/replace-source' to='bob@localhost/replace-target' type='get' id='rf'><ping xmlns='urn:xmpp:ping'/></iq>", received.Xml);
    }

    [Fact]
    public async Task Iq_to_full_jid_no_such_session_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-gone");
        await alice.SendAsync("<iq to='bob@localhost/gone' type='get' id='g1'><ping xmlns='urn:xmpp:ping'/></iq>");
        var error = await alice.ExpectAsync(Wire.Reply("g1"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(error));
        Assert.Equal("bob@localhost/gone", (string?)error.Attribute("from"));
    }

    [Theory]
    [InlineData("result")]
    [InlineData("error")]
    public async Task Iq_response_to_full_jid_no_such_session_is_dropped(string type)
    {
        var bob = await fixture.NewUserAsync("iq-resp-gone");
        await using var other = await fixture.LoginAsync(bob, "other");
        await other.BecomeAvailableAsync();
        await using var alice = await fixture.LoginAsync("alice", "iq-resp-gone-" + type);
        await alice.SendAsync($"<iq to='{bob}@localhost/gone' type='{type}' id='g2'/>");
        await alice.ExpectSilenceAsync(Quiet);
        await other.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("result")]
    public async Task Iq_to_other_domain_gets_remote_server_not_found(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-remote-" + type);
        await alice.SendAsync($"<iq to='juliet@example.net/balcony' type='{type}' id='rm'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("remote-server-not-found", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("rm"))));
    }

    [Fact]
    public async Task Iq_error_to_other_domain_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-remote-error");
        await alice.SendAsync("<iq to='juliet@example.net' type='error' id='rme'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Iq_to_malformed_jid_gets_jid_malformed()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-malformed");
        await alice.SendAsync("<iq to='bob@localhost/' type='get' id='m1'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("jid-malformed", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("m1"))));
    }

    [Fact]
    public async Task Iq_error_to_malformed_jid_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-malformed-error");
        await alice.SendAsync("<iq to='a@b@c' type='error' id='m2'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Theory]
    [InlineData("<iq to='bob@localhost/x' type='get'><ping xmlns='urn:xmpp:ping'/></iq>", null)]
    [InlineData("<iq to='localhost' type='fetch' id='t1'><ping xmlns='urn:xmpp:ping'/></iq>", "t1")]
    [InlineData("<iq to='localhost' id='t2'><ping xmlns='urn:xmpp:ping'/></iq>", "t2")]
    public async Task Iq_without_id_or_with_unknown_type_gets_bad_request(string stanza, string? id)
    {
        await using var alice = await fixture.LoginAsync("alice", "iq-bad");
        await alice.SendAsync(stanza);
        var error = await alice.ExpectAsync(Wire.Named("iq"));
        Assert.Equal("bad-request", Wire.ErrorCondition(error));
        Assert.Equal(id, (string?)error.Attribute("id"));
    }

    /// <summary>The stanza as the recipient must see it: the server's ` from='…'` right after the element name.</summary>
    private static string WithFrom(string stanza, string name, string from)
        => $"<{name} from='{from}'" + stanza[(name.Length + 1)..];

    private const string Jingle = "<iq to='{to}' type='set' id='jingle1'><jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' "
        + "initiator='alice@localhost/e2e-source' sid='a73sjjvkla37jfea'><content creator='initiator' name='voice'>"
        + "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='96' name='speex' clockrate='16000'/>"
        + "</description><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' pwd='asd88fgpdd777uzjYhagZg' ufrag='8hhy'/>"
        + "</content></jingle></iq>";

    private const string StreamInitiation = "<iq type='set' id='offer1' to='{to}'><si xmlns='http://jabber.org/protocol/si' "
        + "id='a0' mime-type='text/plain' profile='http://jabber.org/protocol/si/profile/file-transfer'>"
        + "<file xmlns='http://jabber.org/protocol/si/profile/file-transfer' name='test.txt' size='1022'/>"
        + "<feature xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' type='form'>"
        + "<field var='stream-method' type='list-single'><option><value>http://jabber.org/protocol/bytestreams</value></option>"
        + "</field></x></feature></si></iq>";

    private const string Unknown = "<iq  to=\"{to}\"\ttype=\"set\" id=\"u&amp;1\" xml:lang='de'><x:thing xmlns:x='urn:example:private' "
        + "x:attr='&lt;v&gt;' b=\"q'uote\"><x:nested/><plain xmlns='urn:example:other'>  text &amp; more <![CDATA[ <raw> ]]></plain>"
        + "<empty></empty></x:thing></iq>";
}
