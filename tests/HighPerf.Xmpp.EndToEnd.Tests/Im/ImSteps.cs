using System.Xml.Linq;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>RFC 6121 steps shared by the IM tests.</summary>
internal static class ImSteps
{
    public static readonly XNamespace Client = "jabber:client";
    public static readonly XNamespace Roster = "jabber:iq:roster";
    public static readonly XNamespace Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static int s_id;

    public static string NextId() => "t" + Interlocked.Increment(ref s_id);

    /// <summary>Requests the roster (becoming an interested resource) and returns the result's query.</summary>
    public static async Task<XElement?> GetRosterAsync(this XmppTestClient client, string? ver = null)
    {
        var id = NextId();
        var verAttribute = ver is null ? "" : $" ver='{ver}'";
        await client.SendAsync($"<iq type='get' id='{id}'><query xmlns='jabber:iq:roster'{verAttribute}/></iq>");
        var result = await client.ExpectAsync(e => IsResponse(e, id));
        Assert.Equal("result", (string?)result.Attribute("type"));
        return result.Element(Roster + "query");
    }

    /// <summary>Sends a roster set and returns the response (result or error).</summary>
    public static async Task<XElement> SetRosterAsync(this XmppTestClient client, string itemXml)
    {
        var id = NextId();
        await client.SendAsync($"<iq type='set' id='{id}'><query xmlns='jabber:iq:roster'>{itemXml}</query></iq>");
        return await client.ExpectAsync(e => IsResponse(e, id));
    }

    public static bool IsResponse(XElement element, string id)
        => element.Name == Client + "iq" && (string?)element.Attribute("id") == id;

    public static bool IsRosterPush(XElement element, string jid)
        => element.Name == Client + "iq" && (string?)element.Attribute("type") == "set"
            && element.Element(Roster + "query")?.Element(Roster + "item")?.Attribute("jid")?.Value == jid;

    public static async Task<XElement> ExpectPushAsync(this XmppTestClient client, string jid)
    {
        var push = await client.ExpectAsync(e => IsRosterPush(e, jid));
        await client.SendAsync($"<iq type='result' id='{push.Attribute("id")!.Value}'/>");
        return push.Element(Roster + "query")!.Element(Roster + "item")!;
    }

    public static Task<XElement> ExpectPresenceAsync(this XmppTestClient client, string from, string? type = null)
        => client.ExpectAsync(e => e.Name == Client + "presence"
            && (string?)e.Attribute("from") == from && (string?)e.Attribute("type") == type);

    public static string? ErrorCondition(XElement stanza)
        => stanza.Element(Client + "error")?.Elements().FirstOrDefault(e => e.Name.Namespace == Stanzas)?.Name.LocalName;

    /// <summary>Logs in, asks for the roster and sends initial presence: a typical client start.</summary>
    public static async Task<XmppTestClient> OnlineAsync(TestServer server, string user, string resource)
    {
        var client = await XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, user, "secret", resource);
        await client.GetRosterAsync();
        await client.SendAsync("<presence/>");

        // The server reflects initial presence to the sender (RFC 6121 §4.2.2): its arrival means we are available.
        await client.ExpectPresenceAsync($"{user}@{server.Domain}/{resource}");
        return client;
    }
}
