using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>modules.pep: the limits bind from the configuration, bad values are refused by key, and the server enforces them.</summary>
public sealed class PepLimitsTests
{
    [Theory]
    [InlineData("\"maxItemsPerNode\": 0", "modules.pep.maxItemsPerNode")]
    [InlineData("\"maxNodesPerAccount\": 100000", "modules.pep.maxNodesPerAccount")]
    [InlineData("\"maxItemBytes\": 300000", "modules.pep.maxItemBytes")]
    [InlineData("\"maxCapsHashes\": 0", "modules.pep.maxCapsHashes")]
    [InlineData("\"maxPendingCapsQueries\": -1", "modules.pep.maxPendingCapsQueries")]
    [InlineData("\"capsQueryTimeoutSeconds\": 0", "modules.pep.capsQueryTimeoutSeconds")]
    [InlineData("\"maxPendingCapsQueriesPerAccount\": 2000", "modules.pep.maxPendingCapsQueriesPerAccount")]
    [InlineData("\"maxItemsPerNod\": 5", "maxItemsPerNod")]
    public void A_bad_pep_limit_is_refused_naming_its_key(string pepJson, string key)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hpx-pep-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, $"{{ \"modules\": {{ \"pep\": {{ {pepJson} }} }} }}");
        try
        {
            var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_pep_limits_bind_from_json()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hpx-pep-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"modules\": { \"pep\": { \"maxItemsPerNode\": 7, \"maxNodesPerAccount\": 3, \"maxItemBytes\": 100, \"maxCapsHashes\": 50, \"maxPendingCapsQueries\": 9 } } }");
        try
        {
            var pep = ConfigLoader.Load(path).Modules.Pep;
            Assert.Equal((7, 3, (int?)100, 50, 9), (pep.MaxItemsPerNode, pep.MaxNodesPerAccount, pep.MaxItemBytes, pep.MaxCapsHashes, pep.MaxPendingCapsQueries));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Configured_limits_are_enforced_with_the_pubsub_errors()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Modules.Pep.MaxNodesPerAccount = 2;
            c.Modules.Pep.MaxItemsPerNode = 3;
            c.Modules.Pep.MaxItemBytes = 64;
        }, users: ["alice"]);
        await using var alice = await server.LoginAsync("alice");

        await alice.PublishedAsync("urn:example:one", "a", "<x xmlns='urn:example'/>");
        var options = PublishOptions(("pubsub#max_items", "max"));
        await alice.PublishedAsync("urn:example:two", "a", "<x xmlns='urn:example'/>", options);
        var third = await alice.PublishAsync("urn:example:three", "a", "<x xmlns='urn:example'/>");
        Assert.Equal("not-allowed", Wire.ErrorCondition(third));
        Assert.Equal("max-nodes-exceeded", PubsubError(third));

        var big = await alice.PublishAsync("urn:example:one", "b", $"<x xmlns='urn:example'>{new string('z', 64)}</x>");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(big));
        Assert.Equal("payload-too-big", PubsubError(big));

        // max_items "max" is the configured 3; more is not a value the node supports.
        foreach (var id in new[] { "1", "2", "3", "4" })
        {
            await alice.PublishedAsync("urn:example:two", id, "<x xmlns='urn:example'/>", options);
        }

        Assert.Equal(["2", "3", "4"], Items(await alice.ItemsAsync(null, "urn:example:two")).Select(i => (string)i.Attribute("id")!));
        var tooMany = await alice.PublishAsync("urn:example:two", "5", "<x xmlns='urn:example'/>", PublishOptions(("pubsub#max_items", "4")));
        Assert.Equal("precondition-not-met", PubsubError(tooMany));
    }
}
