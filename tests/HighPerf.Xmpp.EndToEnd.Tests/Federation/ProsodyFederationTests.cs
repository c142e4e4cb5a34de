using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>
/// Interop with another XMPP server over s2s: Prosody 0.12 (Debian) serves prosody.test on 127.0.0.4, our server
/// serves highperf.test on 127.0.0.5. We reach Prosody by a static route to its s2s port; Prosody reaches us through
/// its own hosts file (highperf.test → 127.0.0.5, port 5269, where our s2s listener is). Both sides require STARTTLS
/// on s2s and have self-signed certificates, so both directions authenticate with dialback (XEP-0220).
/// Prosody missing is a failure, not a skip: CI installs it.
/// </summary>
public sealed class ProsodyFederationTests
{
    private const string OurDomain = "highperf.test";
    private const string OurAddress = "127.0.0.5";
    private const string ProsodyDomain = "prosody.test";
    private const string ProsodyAddress = "127.0.0.4";

    // Each cross-server step may wait for a connection, TLS and dialback in both directions on a loaded machine.
    private static readonly TimeSpan CrossServer = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_user_here_and_a_user_on_prosody_subscribe_to_each_other_see_presence_and_exchange_messages_over_starttls_and_dialback()
    {
        Assert.True(ProsodyPeer.MissingReason() is null, ProsodyPeer.MissingReason());
        EnsureFree(new IPEndPoint(IPAddress.Parse(OurAddress), 5269));

        await using var prosody = await ProsodyPeer.StartAsync(ProsodyDomain, ProsodyAddress, new Dictionary<string, string> { [OurDomain] = OurAddress }, ["juliet"]);
        await using var server = await TestServer.StartAsync(config =>
            FederatedPair.Configure(config, OurDomain, OurAddress, 5269, ProsodyDomain, $"{ProsodyAddress}:{prosody.S2sEndPoint.Port}"));
        await server.AddUserAsync("romeo");
        try
        {
            await using var romeo = await ImSteps.OnlineAsync(server, "romeo", "r");
            await using var juliet = await XmppTestClient.LoginAsync(prosody.ClientEndPoint, ProsodyDomain, "juliet", "secret", "r", mechanism: "SCRAM-SHA-1");
            await juliet.GetRosterAsync();
            await juliet.SendAsync("<presence/>");
            await juliet.ExpectPresenceAsync("juliet@prosody.test/r");

            // Romeo asks Juliet; Prosody delivers the request from his bare JID, she approves, he sees her presence.
            await romeo.SendAsync("<presence to='juliet@prosody.test' type='subscribe'/>");
            Assert.Equal("subscribe", (string?)(await romeo.ExpectPushAsync("juliet@prosody.test")).Attribute("ask"));
            await juliet.ExpectAsync(e => FederationSteps.IsPresence(e, "romeo@highperf.test", "subscribe"), CrossServer);
            await juliet.SendAsync("<presence to='romeo@highperf.test' type='subscribed'/>");
            var his = await FederationSteps.ExpectAllAsync(romeo, CrossServer,
                e => ImSteps.IsRosterPush(e, "juliet@prosody.test"), e => FederationSteps.IsPresence(e, "juliet@prosody.test", "subscribed"),
                e => FederationSteps.IsPresence(e, "juliet@prosody.test/r", null));
            Assert.Equal("to", (string?)FederationSteps.ItemOf(his[0]).Attribute("subscription"));

            // And back: Juliet asks Romeo, he approves, her roster on Prosody says both and she sees his presence.
            await juliet.SendAsync("<presence to='romeo@highperf.test' type='subscribe'/>");
            await romeo.ExpectAsync(e => FederationSteps.IsPresence(e, "juliet@prosody.test", "subscribe"), CrossServer);
            await romeo.SendAsync("<presence to='juliet@prosody.test' type='subscribed'/>");
            Assert.Equal("both", (string?)(await romeo.ExpectPushAsync("juliet@prosody.test")).Attribute("subscription"));
            await FederationSteps.ExpectAllAsync(juliet, CrossServer,
                e => ImSteps.IsRosterPush(e, "romeo@highperf.test") && (string?)FederationSteps.ItemOf(e).Attribute("subscription") == "both",
                e => FederationSteps.IsPresence(e, "romeo@highperf.test/r", null));

            // Messages both ways, with the senders' full JIDs.
            await romeo.SendAsync("<message to='juliet@prosody.test' type='chat' id='m1'><body>Wherefore art thou?</body></message>");
            var toJuliet = await juliet.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == "m1", CrossServer);
            Assert.Equal("romeo@highperf.test/r", (string?)toJuliet.Attribute("from"));
            Assert.Equal("Wherefore art thou?", toJuliet.Element(ImSteps.Client + "body")?.Value);
            await juliet.SendAsync("<message to='romeo@highperf.test' type='chat' id='m2'><body>Here, on Prosody.</body></message>");
            var toRomeo = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == "m2", CrossServer);
            Assert.Equal("juliet@prosody.test/r", (string?)toRomeo.Attribute("from"));
            Assert.Equal("Here, on Prosody.", toRomeo.Element(ImSteps.Client + "body")?.Value);

            // Iq round trips to each other's server.
            await romeo.SendAsync("<iq type='get' to='prosody.test' id='d1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
            var disco = await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "d1"), CrossServer);
            Assert.Equal("result", (string?)disco.Attribute("type"));
            Assert.Equal("prosody.test", (string?)disco.Attribute("from"));
            await juliet.SendAsync("<iq type='get' to='highperf.test' id='v1'><query xmlns='jabber:iq:version'/></iq>");
            var version = await juliet.ExpectAsync(e => ImSteps.IsResponse(e, "v1"), CrossServer);
            Assert.Equal("result", (string?)version.Attribute("type"));
            Assert.NotNull(version.Element((XNamespace)"jabber:iq:version" + "query")?.Element((XNamespace)"jabber:iq:version" + "name"));

            // Presence updates cross; a logout on Prosody is seen here as unavailable.
            await romeo.SendAsync("<presence><show>away</show></presence>");
            var away = await juliet.ExpectAsync(e => FederationSteps.IsPresence(e, "romeo@highperf.test/r", null) && e.Element(ImSteps.Client + "show") is not null, CrossServer);
            Assert.Equal("away", away.Element(ImSteps.Client + "show")?.Value);
            await juliet.SendAsync("<presence type='unavailable'/>");
            await romeo.ExpectAsync(e => FederationSteps.IsPresence(e, "juliet@prosody.test/r", "unavailable"), CrossServer);

            if (!server.IsExternal)
            {
                var link = server.Host.Server.Federation!.Links.Single(l => l.RemoteName == ProsodyDomain);
                Assert.Equal("dialback", link.AuthenticatedBy);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- Prosody's log (tail) ---\n{prosody.LogTail()}", ex);
        }
    }

    /// <summary>Prosody finds our domain by its A record, so our s2s listener must be on 5269 of our own address.</summary>
    private static void EnsureFree(IPEndPoint endPoint)
    {
        try
        {
            using var probe = new TcpListener(endPoint);
            probe.Start();
        }
        catch (SocketException ex)
        {
            Assert.Fail($"{endPoint} is taken ({ex.SocketErrorCode}): something listens on 5269 of every address (a system Prosody or ejabberd?); .ci/run stops the packaged service.");
        }
    }
}
