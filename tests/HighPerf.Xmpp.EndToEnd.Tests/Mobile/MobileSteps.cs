using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Mobile;

/// <summary>Steps shared by the carbons, CSI and blocking tests.</summary>
internal static class MobileSteps
{
    public static readonly XNamespace Client = "jabber:client";
    public static readonly XNamespace Blocking = "urn:xmpp:blocking";
    public static readonly XNamespace BlockingErrors = "urn:xmpp:blocking:errors";
    public static readonly XNamespace Carbons = "urn:xmpp:carbons:2";
    public static readonly XNamespace Forward = "urn:xmpp:forward:0";

    /// <summary>Makes <paramref name="a"/> and <paramref name="b"/> mutual contacts ('both'), each logged in once to do so.</summary>
    public static async Task BefriendAsync(TestServer server, string a, string b)
    {
        await using var first = await ImSteps.OnlineAsync(server, a, "setup");
        await using var second = await ImSteps.OnlineAsync(server, b, "setup");
        await first.SendAsync($"<presence to='{b}@localhost' type='subscribe'/>");
        await second.ExpectPresenceAsync($"{a}@localhost", "subscribe");
        await second.SendAsync($"<presence to='{a}@localhost' type='subscribed'/>");
        await second.SendAsync($"<presence to='{a}@localhost' type='subscribe'/>");
        await first.ExpectPresenceAsync($"{b}@localhost", "subscribe");
        await first.SendAsync($"<presence to='{b}@localhost' type='subscribed'/>");
        await second.ExpectPresenceAsync($"{a}@localhost", "subscribed");
    }

    public static bool IsMessage(XElement e, string id) => e.Name == Client + "message" && (string?)e.Attribute("id") == id;

    /// <summary>True for a carbon (sent or received) wrapping the message with <paramref name="id"/>.</summary>
    public static bool IsCarbon(XElement e, string kind, string id)
        => e.Name == Client + "message"
            && e.Element(Carbons + kind)?.Element(Forward + "forwarded")?.Element(Client + "message")?.Attribute("id")?.Value == id;

    /// <summary>Sends a message to oneself and waits for it: everything the server queued for us before is then
    /// in, and returned (so that a test can assert what did not arrive).</summary>
    public static async Task<List<XElement>> SyncAsync(this XmppTestClient client)
    {
        var id = "sync-" + ImSteps.NextId();
        var before = new List<XElement>();
        await client.SendAsync($"<message to='{client.Jid}' type='headline' id='{id}'/>");
        await client.ExpectAsync(e =>
        {
            if (IsMessage(e, id))
            {
                return true;
            }

            before.Add(e);
            return false;
        });
        return before;
    }

    /// <summary>Asserts that nothing but what <paramref name="allowed"/> accepts arrived before a sync.</summary>
    public static async Task ExpectNothingElseAsync(this XmppTestClient client, Func<XElement, bool>? allowed = null)
    {
        var before = await client.SyncAsync();
        var unexpected = before.Where(e => allowed is null || !allowed(e)).ToList();
        Assert.True(unexpected.Count == 0, "Unexpected: " + string.Join("\n", unexpected));
    }
}
