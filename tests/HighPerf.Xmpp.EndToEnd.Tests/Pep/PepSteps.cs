using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>Steps shared by the PEP (XEP-0163) tests: clients with XEP-0115 caps, publishing and fetching.</summary>
internal static class PepSteps
{
    public static readonly XNamespace Pubsub = "http://jabber.org/protocol/pubsub";
    public static readonly XNamespace PubsubOwner = "http://jabber.org/protocol/pubsub#owner";
    public static readonly XNamespace PubsubEvent = "http://jabber.org/protocol/pubsub#event";
    public static readonly XNamespace PubsubErrors = "http://jabber.org/protocol/pubsub#errors";
    public static readonly XNamespace Client = Wire.Client;

    public const string OmemoDevices = "eu.siacs.conversations.axolotl.devicelist";
    public const string Omemo2Devices = "urn:xmpp:omemo:2:devices";
    public const string Nick = "http://jabber.org/protocol/nick";
    public const string AvatarData = "urn:xmpp:avatar:data";
    public const string AvatarMetadata = "urn:xmpp:avatar:metadata";
    public const string Bookmarks = "urn:xmpp:bookmarks:1";

    /// <summary>The XEP-0115 'ver' of a client with one identity (client/pc) and these features.</summary>
    public static string Ver(IEnumerable<string> features)
    {
        var text = new StringBuilder("client/pc//pep test<");
        foreach (var feature in features.Order(StringComparer.Ordinal))
        {
            text.Append(feature).Append('<');
        }

        return Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string[] FeaturesNotifying(params string[] nodes)
        => ["http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#info", .. nodes.Select(n => n + "+notify")];

    /// <summary>
    /// Logs in and sends available presence with caps that want notifications of <paramref name="notify"/>; answers
    /// the server's disco#info query if it asks (true then).
    /// </summary>
    public static async Task<(XmppTestClient Client, bool Asked)> OnlineWithCapsAsync(TestServer server, string user, string resource, params string[] notify)
    {
        var client = await server.LoginAsync(user, resource);
        var asked = await client.SendCapsAsync(notify);
        return (client, asked);
    }

    /// <summary>Sends available presence with caps; answers the disco#info query if one comes before the barrier.</summary>
    public static async Task<bool> SendCapsAsync(this XmppTestClient client, params string[] notify)
    {
        var features = FeaturesNotifying(notify);
        var ver = Ver(features);
        var barrier = "caps-" + ModuleSteps.NextId();
        await client.SendAsync($"<presence><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://pep.test' ver='{ver}'/></presence><message to='{client.Jid}' type='headline' id='{barrier}'/>");
        XElement? query = null;
        await client.ExpectAsync(e =>
        {
            if (e.Name == Client + "iq" && (string?)e.Attribute("type") == "get" && e.Element(ModuleSteps.DiscoInfo + "query") is not null)
            {
                query = e;
            }

            return e.Name == Client + "message" && (string?)e.Attribute("id") == barrier;
        });
        if (query is null)
        {
            return false;
        }

        Assert.Equal($"https://pep.test#{ver}", (string?)query.Element(ModuleSteps.DiscoInfo + "query")!.Attribute("node"));
        var answer = new XElement(ModuleSteps.DiscoInfo + "query", new XAttribute("node", $"https://pep.test#{ver}"),
            new XElement(ModuleSteps.DiscoInfo + "identity", new XAttribute("category", "client"), new XAttribute("type", "pc"), new XAttribute("name", "pep test")),
            features.Select(f => new XElement(ModuleSteps.DiscoInfo + "feature", new XAttribute("var", f))));
        await client.SendAsync($"<iq type='result' id='{query.Attribute("id")!.Value}' to='{query.Attribute("from")!.Value}'>{answer.ToString(SaveOptions.DisableFormatting)}</iq>");
        return true;
    }

    public static string Form(string formType, params (string Var, string Value)[] fields)
        => $"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>{formType}</value></field>"
           + string.Concat(fields.Select(f => $"<field var='{f.Var}'><value>{f.Value}</value></field>")) + "</x>";

    public static string PublishOptions(params (string Var, string Value)[] fields)
        => $"<publish-options>{Form("http://jabber.org/protocol/pubsub#publish-options", fields)}</publish-options>";

    /// <summary>Publishes one item and returns the reply (result or error).</summary>
    public static Task<XElement> PublishAsync(this XmppTestClient client, string node, string? id, string payload, string publishOptions = "")
    {
        var idAttribute = id is null ? "" : $" id='{id}'";
        return client.IqAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='{node}'><item{idAttribute}>{payload}</item></publish>{publishOptions}</pubsub>");
    }

    /// <summary>Publishes and returns the item id the server answered with.</summary>
    public static async Task<string> PublishedAsync(this XmppTestClient client, string node, string? id, string payload, string publishOptions = "")
    {
        var reply = await client.PublishAsync(node, id, payload, publishOptions);
        Assert.True((string?)reply.Attribute("type") == "result", $"Expected a result, got {reply}");
        var item = reply.Element(Pubsub + "pubsub")!.Element(Pubsub + "publish")!.Element(Pubsub + "item")!;
        return (string)item.Attribute("id")!;
    }

    /// <summary>Fetches a node's items (all, or max, or by ids) from <paramref name="owner"/>; returns the reply.</summary>
    public static Task<XElement> ItemsAsync(this XmppTestClient client, string? owner, string node, int? max = null, params string[] ids)
    {
        var maxAttribute = max is null ? "" : $" max_items='{max}'";
        var items = string.Concat(ids.Select(i => $"<item id='{i}'/>"));
        return client.IqAsync("get", $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='{node}'{maxAttribute}>{items}</items></pubsub>", owner);
    }

    public static List<XElement> Items(XElement reply) => reply.Element(Pubsub + "pubsub")!.Element(Pubsub + "items")!.Elements(Pubsub + "item").ToList();

    public static string? PubsubError(XElement reply)
        => reply.Element(Client + "error")?.Elements().FirstOrDefault(e => e.Name.Namespace == PubsubErrors)?.Name.LocalName;

    /// <summary>True for an event message from <paramref name="owner"/> about <paramref name="node"/>.</summary>
    public static bool IsEvent(XElement e, string owner, string node)
        => e.Name == Client + "message" && (string?)e.Attribute("from") == owner
           && e.Element(PubsubEvent + "event") is { } ev
           && (ev.Element(PubsubEvent + "items")?.Attribute("node")?.Value == node || ev.Element(PubsubEvent + "delete")?.Attribute("node")?.Value == node);

    public static Task<XElement> ExpectEventAsync(this XmppTestClient client, string owner, string node)
        => client.ExpectAsync(e => IsEvent(e, owner, node));

    public static XElement EventItems(XElement message) => message.Element(PubsubEvent + "event")!.Element(PubsubEvent + "items")!;
}
