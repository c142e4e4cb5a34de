using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>Steps shared by the archive (XEP-0313) tests.</summary>
internal static class MamSteps
{
    public static readonly XNamespace Mam = "urn:xmpp:mam:2";
    public static readonly XNamespace Rsm = "http://jabber.org/protocol/rsm";
    public static readonly XNamespace Forward = "urn:xmpp:forward:0";
    public static readonly XNamespace Delay = "urn:xmpp:delay";
    public static readonly XNamespace Sid = "urn:xmpp:sid:0";
    public static readonly XNamespace Client = Wire.Client;

    /// <summary>One query's answer: the results (archive id, the forwarded message, its delay stamp) in arrival order and the iq reply.</summary>
    public sealed record QueryAnswer(List<(string Id, XElement Message, DateTimeOffset Stamp)> Results, XElement Reply)
    {
        public XElement? Fin => Reply.Element(Mam + "fin");

        public bool Complete => (string?)Fin?.Attribute("complete") == "true";

        public XElement? Set => Fin?.Element(Rsm + "set");

        public int? Count => Set?.Element(Rsm + "count") is { } c ? (int)c : null;

        public string? First => (string?)Set?.Element(Rsm + "first");

        public string? Last => (string?)Set?.Element(Rsm + "last");

        public string[] Bodies => Results.Select(r => (string)r.Message.Element(Client + "body")!).ToArray();
    }

    /// <summary>Sends a query (form fields as var/value pairs; a value list for ids) and collects results until the iq reply.</summary>
    public static async Task<QueryAnswer> QueryAsync(this XmppTestClient client, (string Var, string[] Values)[]? fields = null, string? rsm = null, bool flip = false, string? to = null)
    {
        var id = ModuleSteps.NextId();
        var queryId = "q" + id;
        var form = fields is null
            ? ""
            : "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"
              + string.Concat(fields.Select(f => $"<field var='{f.Var}'>{string.Concat(f.Values.Select(v => $"<value>{v}</value>"))}</field>"))
              + "</x>";
        var set = rsm is null ? "" : $"<set xmlns='http://jabber.org/protocol/rsm'>{rsm}</set>";
        var toAttribute = to is null ? "" : $" to='{to}'";
        await client.SendAsync($"<iq type='set' id='{id}'{toAttribute}><query xmlns='urn:xmpp:mam:2' queryid='{queryId}'>{form}{set}{(flip ? "<flip-page/>" : "")}</query></iq>");
        var results = new List<(string, XElement, DateTimeOffset)>();
        while (true)
        {
            var next = await client.NextElementAsync();
            if (next.Name == Client + "iq" && (string?)next.Attribute("id") == id)
            {
                return new QueryAnswer(results, next);
            }

            var result = next.Element(Mam + "result");
            if (next.Name == Client + "message" && result is not null && (string?)result.Attribute("queryid") == queryId)
            {
                var forwarded = result.Element(Forward + "forwarded")!;
                results.Add(((string)result.Attribute("id")!, forwarded.Element(Client + "message")!,
                    DateTimeOffset.Parse((string)forwarded.Element(Delay + "delay")!.Attribute("stamp")!, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }

    public static (string, string[]) Field(string name, params string[] values) => (name, values);

    public static async Task<QueryAnswer> QueryResultAsync(this XmppTestClient client, (string Var, string[] Values)[]? fields = null, string? rsm = null, bool flip = false)
    {
        var answer = await client.QueryAsync(fields, rsm, flip);
        Assert.True((string?)answer.Reply.Attribute("type") == "result", $"Expected a result, got {answer.Reply}");
        return answer;
    }

    /// <summary>Sends a chat message and waits until the recipient has it; returns the message as delivered.</summary>
    public static async Task<XElement> ChatAsync(this XmppTestClient from, XmppTestClient to, string body, string? extra = null, string? toJid = null)
    {
        var id = ModuleSteps.NextId();
        await from.SendAsync($"<message to='{toJid ?? Bare(to)}' type='chat' id='{id}'><body>{body}</body>{extra}</message>");
        return await to.ExpectAsync(e => e.Name == Client + "message" && (string?)e.Attribute("id") == id);
    }

    public static string Bare(XmppTestClient client) => client.Jid![..client.Jid!.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>The stanza-id the archive of <paramref name="by"/> gave the delivered message, or null.</summary>
    public static string? StanzaId(XElement message, string by)
        => (string?)message.Elements(Sid + "stanza-id").FirstOrDefault(s => (string?)s.Attribute("by") == by)?.Attribute("id");
}
