using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>Steps shared by the tests whose stanzas cross servers (order between servers is not fixed).</summary>
internal static class FederationSteps
{
    public static bool IsPresence(XElement e, string from, string? type)
        => e.Name == ImSteps.Client + "presence" && (string?)e.Attribute("from") == from && (string?)e.Attribute("type") == type;

    public static XElement ItemOf(XElement push)
        => push.Element(ImSteps.Roster + "query")!.Element(ImSteps.Roster + "item")!;

    /// <summary>
    /// Waits until each predicate matched one stanza, in any order, answering roster pushes on the way; returns them
    /// in predicate order. <paramref name="timeout"/> bounds each wait.
    /// </summary>
    public static async Task<XElement[]> ExpectAllAsync(XmppTestClient client, TimeSpan? timeout, params Func<XElement, bool>[] matches)
    {
        var found = new XElement?[matches.Length];
        while (found.Any(f => f is null))
        {
            var next = await client.ExpectAsync(e => Enumerable.Range(0, matches.Length).Any(i => found[i] is null && matches[i](e)), timeout);
            var index = Enumerable.Range(0, matches.Length).First(i => found[i] is null && matches[i](next));
            found[index] = next;
            if (next.Name == ImSteps.Client + "iq" && (string?)next.Attribute("type") == "set")
            {
                await client.SendAsync($"<iq type='result' id='{next.Attribute("id")!.Value}'/>");
            }
        }

        return found!;
    }

    public static Task<XElement[]> ExpectAllAsync(XmppTestClient client, params Func<XElement, bool>[] matches)
        => ExpectAllAsync(client, null, matches);
}
