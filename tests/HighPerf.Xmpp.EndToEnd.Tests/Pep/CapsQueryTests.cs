using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0115 caps queries the PEP module sends: they expire (a later presence asks again), they are bounded per
/// account, and an answer that does not hash to its 'ver' serves only the session that gave it (§5.4).
/// </summary>
public sealed class CapsQueryTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(c =>
        {
            c.Modules.Pep.CapsQueryTimeoutSeconds = 1;
            c.Modules.Pep.MaxPendingCapsQueriesPerAccount = 2;
        }, users: ["alice", "bob", "carol"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Presence(string ver, string show = "")
        => $"<presence>{show}<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://pep.test' ver='{ver}'/></presence>";

    private static bool IsCapsQuery(XElement e)
        => e.Name == Client + "iq" && (string?)e.Attribute("type") == "get" && e.Element(ModuleSteps.DiscoInfo + "query") is not null;

    private static string Answer(XElement query, IEnumerable<string> features)
    {
        var node = (string)query.Element(ModuleSteps.DiscoInfo + "query")!.Attribute("node")!;
        var answer = new XElement(ModuleSteps.DiscoInfo + "query", new XAttribute("node", node),
            new XElement(ModuleSteps.DiscoInfo + "identity", new XAttribute("category", "client"), new XAttribute("type", "pc"), new XAttribute("name", "pep test")),
            features.Select(f => new XElement(ModuleSteps.DiscoInfo + "feature", new XAttribute("var", f))));
        return $"<iq type='result' id='{query.Attribute("id")!.Value}' to='{query.Attribute("from")!.Value}'>{answer.ToString(SaveOptions.DisableFormatting)}</iq>";
    }

    /// <summary>Everything received before a barrier sent now.</summary>
    private static Task<List<XElement>> UntilBarrierAsync(XmppTestClient client) => client.SyncAsync();

    [Fact]
    public async Task An_unanswered_caps_query_expires_and_a_later_presence_asks_again()
    {
        var features = FeaturesNotifying(Nick);
        var ver = Ver(features);
        await using var bob = await _server.LoginAsync("bob", "laptop");
        await bob.SendAsync(Presence(ver));
        await bob.ExpectAsync(IsCapsQuery); // never answered

        // Presence updates while the query waits ask nothing; after the timeout one does (bounded retries).
        XElement? again = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var attempt = 0; again is null && attempt < 200 && DateTime.UtcNow < deadline; attempt++)
        {
            await bob.SendAsync(Presence(ver, attempt % 2 == 0 ? "<show>away</show>" : ""));
            again = (await UntilBarrierAsync(bob)).FirstOrDefault(IsCapsQuery);
            if (again is null)
            {
                await Task.Delay(250);
            }
        }

        Assert.NotNull(again);
        await bob.SendAsync(Answer(again, features));
        await using var alice = await _server.LoginAsync("alice");
        await alice.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");
        await bob.ExpectEventAsync("alice@localhost", Nick);
    }

    [Fact]
    public async Task An_account_cycling_caps_hashes_holds_at_most_its_share_of_pending_queries()
    {
        await using var bob = await _server.LoginAsync("bob", "laptop");
        for (var i = 0; i < 6; i++)
        {
            await bob.SendAsync(Presence(Ver(FeaturesNotifying($"urn:example:cycle:{i}"))));
        }

        var queries = (await UntilBarrierAsync(bob)).Count(IsCapsQuery);
        Assert.Equal(2, queries);

        // Another account is not held back by bob's queries.
        await using var carol = await _server.LoginAsync("carol", "pc");
        await carol.SendAsync(Presence(Ver(FeaturesNotifying("urn:example:carol"))));
        Assert.Single(await UntilBarrierAsync(carol), IsCapsQuery);
    }

    [Fact]
    public async Task An_answer_that_does_not_match_its_ver_serves_only_the_session_that_gave_it()
    {
        // The claimed ver is that of other features: the answer (which wants Nick) does not hash to it.
        var claimed = Ver(FeaturesNotifying("urn:example:other"));
        await using var laptop = await _server.LoginAsync("bob", "laptop");
        await laptop.SendAsync(Presence(claimed));
        var query = await laptop.ExpectAsync(IsCapsQuery);
        await laptop.SendAsync(Answer(query, FeaturesNotifying(Nick)));
        await laptop.SyncAsync();

        // Not cached for the hash: the next session showing it is asked itself.
        await using var phone = await _server.LoginAsync("bob", "phone");
        await phone.SendAsync(Presence(claimed));
        Assert.Single(await UntilBarrierAsync(phone), IsCapsQuery);

        await using var alice = await _server.LoginAsync("alice");
        await alice.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");
        await laptop.ExpectEventAsync("alice@localhost", Nick);
        Assert.DoesNotContain(await phone.SyncAsync(), e => IsEvent(e, "alice@localhost", Nick));
    }

    [Fact]
    public async Task A_session_that_answers_a_caps_query_with_an_error_is_not_asked_again()
    {
        var ver = Ver(FeaturesNotifying("urn:example:refused"));
        await using var carol = await _server.LoginAsync("carol", "pc");
        await carol.SendAsync(Presence(ver));
        var query = await carol.ExpectAsync(IsCapsQuery);
        await carol.SendAsync($"<iq type='error' id='{query.Attribute("id")!.Value}' to='{query.Attribute("from")!.Value}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
        await carol.SendAsync(Presence(ver, "<show>away</show>"));
        await carol.SendAsync(Presence(ver));
        Assert.DoesNotContain(await UntilBarrierAsync(carol), IsCapsQuery);
    }
}
