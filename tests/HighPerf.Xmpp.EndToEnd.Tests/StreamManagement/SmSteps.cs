using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>XEP-0198 client steps for the tests.</summary>
internal static class SmSteps
{
    public static readonly XNamespace Sm = "urn:xmpp:sm:3";
    public static readonly XNamespace Client = "jabber:client";

    /// <summary>Logs in, binds <paramref name="resource"/> and enables stream management with resumption.</summary>
    public static async Task<(XmppTestClient Client, string Id)> LoginResumableAsync(TestServer server, string user, string resource)
    {
        var client = await server.LoginAsync(user, resource);
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        var enabled = await client.NextElementAsync();
        Assert.Equal(Sm + "enabled", enabled.Name);
        Assert.Equal("true", (string?)enabled.Attribute("resume"));
        return (client, (string)enabled.Attribute("id")!);
    }

    /// <summary>Connects, STARTTLS, SASL and the new stream: ready to resume or bind. Returns the post-SASL features.</summary>
    public static async Task<(XmppTestClient Client, XElement Features)> AuthenticatedAsync(TestServer server, string user)
    {
        var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        var outcome = await client.AuthenticateAsync(user, "secret");
        Assert.Equal(XmppTestClient.Sasl + "success", outcome.Name);
        var features = await client.OpenStreamAsync();
        return (client, features);
    }

    /// <summary>Sends &lt;resume/&gt; and returns the answer (&lt;resumed/&gt; or &lt;failed/&gt;).</summary>
    public static async Task<XElement> ResumeAsync(XmppTestClient client, string previd, uint h)
    {
        await client.SendAsync($"<resume xmlns='urn:xmpp:sm:3' previd='{previd}' h='{h}'/>");
        return await client.NextElementAsync();
    }

    public static string Chat(string to, string id) => $"<message to='{to}' type='chat' id='{id}'><body>{id}</body></message>";

    /// <summary>The ids of the messages that arrive until nothing more comes for <paramref name="quiet"/>.</summary>
    public static async Task<List<string>> MessagesUntilQuietAsync(XmppTestClient client, TimeSpan quiet)
    {
        var ids = new List<string>();
        while (true)
        {
            XElement next;
            try
            {
                next = await client.NextElementAsync(quiet);
            }
            catch (TimeoutException)
            {
                return ids;
            }

            if (next.Name == Client + "message")
            {
                ids.Add((string?)next.Attribute("id") ?? "");
            }
        }
    }

    public static string? FailedCondition(XElement failed)
        => failed.Elements().FirstOrDefault(e => e.Name.Namespace == "urn:ietf:params:xml:ns:xmpp-stanzas")?.Name.LocalName;
}
