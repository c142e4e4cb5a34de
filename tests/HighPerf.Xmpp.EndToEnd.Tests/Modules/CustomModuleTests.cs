using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Modules.Samples;
using HighPerf.Xmpp.EndToEnd.Tests.Support;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>The README's custom module (<see cref="DiceModule"/>): one class, one registration line, and the
/// server dispatches its iqs and lists its disco feature.</summary>
public sealed class CustomModuleTests
{
    private static readonly XNamespace Dice = "urn:example:dice";

    [Fact]
    public async Task A_custom_module_answers_its_iq_and_appears_in_disco()
    {
        await using var server = await TestServers.StartAsync(extraModules: [new DiceModule()]);
        Assert.Contains("dice", server.Host.Server.Modules.EnabledModules);
        await using var alice = await server.LoginAsync("alice");

        var roll = (await alice.IqResultAsync("get", "<roll xmlns='urn:example:dice' sides='20'/>", "localhost")).Element(Dice + "roll")!;
        Assert.Equal("20", (string?)roll.Attribute("sides"));
        Assert.InRange(int.Parse(roll.Value, System.Globalization.CultureInfo.InvariantCulture), 1, 20);
        Assert.Contains("urn:example:dice", await alice.FeaturesAsync("localhost"));
    }

    [Fact]
    public async Task A_custom_module_reports_its_errors_and_is_not_asked_for_other_accounts()
    {
        await using var server = await TestServers.StartAsync(extraModules: [new DiceModule()]);
        await using var alice = await server.LoginAsync("alice");
        Assert.Equal("bad-request", await alice.IqErrorAsync("get", "<roll xmlns='urn:example:dice' sides='many'/>", "localhost"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("get", "<roll xmlns='urn:example:dice'/>", "localhost"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<roll xmlns='urn:example:dice' sides='6'/>", "localhost"));

        // Registered for IqTarget.Server only: an iq to an account (another's, or one's own, which is what no
        // 'to' means) is not the module's.
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<roll xmlns='urn:example:dice' sides='6'/>", "bob@localhost"));
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<roll xmlns='urn:example:dice' sides='6'/>"));
    }

    [Fact]
    public async Task Without_the_registration_the_namespace_is_unknown()
    {
        await using var server = await TestServers.StartAsync();
        await using var alice = await server.LoginAsync("alice");
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<roll xmlns='urn:example:dice' sides='6'/>", "localhost"));
        Assert.DoesNotContain("urn:example:dice", await alice.FeaturesAsync("localhost"));
    }
}
