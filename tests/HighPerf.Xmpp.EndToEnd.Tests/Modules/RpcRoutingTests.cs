using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>
/// Entity-to-entity iqs that no module handles, such as Jabber-RPC (XEP-0009), go between users untouched: only
/// 'from' is stamped. Addressed to a bare JID they are the server's to answer, and no module takes them.
/// </summary>
public sealed class RpcRoutingTests
{
    private static readonly XNamespace Rpc = "jabber:iq:rpc";

    private const string MethodCall =
        "<query xmlns='jabber:iq:rpc'><methodCall><methodName>examples.getStateName</methodName>"
        + "<params><param><value><i4>6</i4></value></param></params></methodCall></query>";

    private const string MethodResponse =
        "<query xmlns='jabber:iq:rpc'><methodResponse><params><param><value><string>Colorado</string></value></param>"
        + "</params></methodResponse></query>";

    [Fact]
    public async Task A_jabber_rpc_method_call_and_its_response_travel_between_two_clients_untouched()
    {
        await using var server = await TestServers.StartAsync(users: ["requester", "responder"]);
        await using var requester = await server.LoginAsync("requester", "client");
        await using var responder = await server.LoginAsync("responder", "rpc");

        await requester.SendAsync($"<iq type='set' id='rpc1' to='responder@localhost/rpc'>{MethodCall}</iq>");
        var call = await responder.ExpectEventAsync(Wire.Reply("rpc1"));
        Assert.Equal("requester@localhost/client", (string?)call.Element!.Attribute("from"));
        Assert.Contains(MethodCall, call.Xml, StringComparison.Ordinal);
        Assert.Equal("examples.getStateName", call.Element.Element(Rpc + "query")!.Element(Rpc + "methodCall")!.Element(Rpc + "methodName")!.Value);

        await responder.SendAsync($"<iq type='result' id='rpc1' to='requester@localhost/client'>{MethodResponse}</iq>");
        var response = await requester.ExpectEventAsync(Wire.Reply("rpc1"));
        Assert.Equal("result", (string?)response.Element!.Attribute("type"));
        Assert.Equal("responder@localhost/rpc", (string?)response.Element.Attribute("from"));
        Assert.Contains(MethodResponse, response.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jabber_rpc_call_to_a_bare_jid_or_the_server_is_service_unavailable()
    {
        await using var server = await TestServers.StartAsync(users: ["requester", "responder"]);
        await using var requester = await server.LoginAsync("requester", "client");
        Assert.Equal("service-unavailable", await requester.IqErrorAsync("set", MethodCall, "responder@localhost"));
        Assert.Equal("service-unavailable", await requester.IqErrorAsync("set", MethodCall, "localhost"));
    }
}
