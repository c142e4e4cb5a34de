using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Muc;

/// <summary>Steps shared by the MUC tests: entering rooms, reading status codes, configuring.</summary>
internal static class MucSteps
{
    public const string Service = "conference.localhost";
    public static readonly XNamespace MucNs = "http://jabber.org/protocol/muc";
    public static readonly XNamespace User = "http://jabber.org/protocol/muc#user";
    public static readonly XNamespace Admin = "http://jabber.org/protocol/muc#admin";
    public static readonly XNamespace Owner = "http://jabber.org/protocol/muc#owner";
    public static readonly XNamespace Data = "jabber:x:data";
    public static readonly XNamespace Delay = "urn:xmpp:delay";
    public static readonly XNamespace Client = "jabber:client";

    public static string Room(string name) => $"{name}@{Service}";

    /// <summary>The status codes of a MUC presence or message.</summary>
    public static HashSet<int> Codes(XElement stanza)
        => stanza.Elements(User + "x").Elements(User + "status").Select(s => (int)s.Attribute("code")!).ToHashSet();

    public static XElement? Item(XElement presence) => presence.Element(User + "x")?.Element(User + "item");

    public static bool IsPresenceFrom(XElement e, string from) => e.Name == Client + "presence" && (string?)e.Attribute("from") == from;

    /// <summary>Sends a join and returns the self-presence (status 110), after which the subject message has arrived too.</summary>
    public static async Task<XElement> JoinAsync(this XmppTestClient client, string room, string nick, string mucChildren = "")
    {
        await client.SendAsync($"<presence to='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc'>{mucChildren}</x></presence>");
        var self = await client.ExpectAsync(e => IsPresenceFrom(e, $"{room}/{nick}") && ((string?)e.Attribute("type") == "error" || Codes(e).Contains(110)));
        if ((string?)self.Attribute("type") != "error")
        {
            await client.ExpectAsync(e => e.Name == Client + "message" && e.Element(Client + "subject") is not null);
        }

        return self;
    }

    /// <summary>A join that must fail: the error condition.</summary>
    public static async Task<string?> JoinErrorAsync(this XmppTestClient client, string room, string nick, string mucChildren = "")
    {
        await client.SendAsync($"<presence to='{room}/{nick}'><x xmlns='http://jabber.org/protocol/muc'>{mucChildren}</x></presence>");
        var error = await client.ExpectAsync(e => IsPresenceFrom(e, $"{room}/{nick}") && (string?)e.Attribute("type") == "error");
        return Wire.ErrorCondition(error);
    }

    /// <summary>Creates a room as its owner and configures it with the given fields (an instant room when none).</summary>
    public static async Task<XElement> CreateRoomAsync(this XmppTestClient owner, string room, string nick, params (string Var, string Value)[] fields)
    {
        var self = await owner.JoinAsync(room, nick);
        Assert.Contains(201, Codes(self));
        await owner.ConfigureAsync(room, fields);
        return self;
    }

    public static async Task ConfigureAsync(this XmppTestClient owner, string room, params (string Var, string Value)[] fields)
    {
        var values = string.Concat(fields.Select(f => $"<field var='{f.Var}'><value>{f.Value}</value></field>"));
        await owner.IqResultAsync("set",
            $"<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>{values}</x></query>",
            room);
    }

    public static Task SendGroupchatAsync(this XmppTestClient client, string room, string body, string id = "g1")
        => client.SendAsync($"<message to='{room}' type='groupchat' id='{id}'><body>{body}</body></message>");

    public static Task<XElement> ExpectGroupchatAsync(this XmppTestClient client, string from, string body)
        => client.ExpectAsync(e => e.Name == Client + "message" && (string?)e.Attribute("from") == from && e.Element(Client + "body")?.Value == body);
}
