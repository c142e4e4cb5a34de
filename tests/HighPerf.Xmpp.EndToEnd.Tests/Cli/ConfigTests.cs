using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cli;

/// <summary>The JSON config file: values override the defaults; a bad value or unknown key is named, with a non-zero exit.</summary>
public sealed class ConfigTests
{
    [Theory]
    [InlineData("\"auth\": { \"timeoutSeconds\": 0 }", "auth.timeoutSeconds")]
    [InlineData("\"limits\": { \"maxDepth\": \"deep\" }", "limits.maxDepth")]
    [InlineData("\"limits\": { \"outboundQueueBytes\": 10 }", "limits.outboundQueueBytes")]
    [InlineData("\"logging\": { \"level\": \"Loud\" }", "logging.level")]
    [InlineData("\"domains\": []", "domains")]
    [InlineData("\"domains\": [ \"user@host\" ]", "domains")]
    [InlineData("\"domains\": [ \"exa mple.net\" ]", "domains")]
    [InlineData("\"tls\": { \"engine\": \"gnutls\" }", "tls.engine")]
    [InlineData("\"tls\": { \"certificate\": \"/tmp/only-a-cert.pem\" }", "tls.key")]
    [InlineData("\"modules\": { \"enabled\": [ \"roster\", \"teleport\" ] }", "modules.enabled")]
    [InlineData("\"listners\": { }", "listners")]
    [InlineData("\"auth\": { \"timeout\": 5 }", "auth.timeout")]
    public async Task Bad_config_value_exits_non_zero_with_a_message_naming_the_key(string json, string key)
    {
        using var folder = new CliFolder(json);
        var result = await folder.RunToExitAsync("run");
        Assert.False(result.TimedOut, "the server started despite a bad config value");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(key, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listener_that_is_not_an_address_is_named_with_its_index()
    {
        using var folder = new CliFolder();
        File.WriteAllText(folder.ConfigPath, File.ReadAllText(folder.ConfigPath).Replace("\"clientDirectTls\": [ \"127.0.0.1:0\" ]", "\"clientDirectTls\": [ \"127.0.0.1:0\", \"localhost:99999\" ]", StringComparison.Ordinal));
        var result = await folder.RunToExitAsync("run");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("listeners.clientDirectTls[1]", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_or_broken_config_file_exits_non_zero_with_a_message()
    {
        var missing = await TestKit.Processes.ServerProcess.RunToExitAsync(["run", "--config", "/nonexistent/hpx.json"]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("/nonexistent/hpx.json", missing.StdErr, StringComparison.Ordinal);

        using var folder = new CliFolder();
        File.WriteAllText(folder.ConfigPath, "{ \"domains\": [ \"localhost\" ");
        var broken = await folder.RunToExitAsync("run");
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains(folder.ConfigPath, broken.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_values_override_the_defaults()
    {
        using var folder = new CliFolder("\"domains\": [ \"chat.example\" ], \"auth\": { \"timeoutSeconds\": 1 }, \"tls\": { \"required\": false }");
        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await using var client = await XmppTestClient.ConnectAsync(endPoint, "chat.example");

        // The domain is served, TLS is optional, and the 1 s timeout applies.
        var features = await client.OpenStreamAsync();
        Assert.NotNull(features.Element(XmppTestClient.Sasl + "mechanisms"));
        await client.ExpectStreamErrorAsync("connection-timeout", TimeSpan.FromSeconds(5));
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", "tls", "chat.example.crt")));
    }

    [Fact]
    public void Without_a_config_file_the_embedded_defaults_serve_localhost_on_5222_and_5223()
    {
        var config = ConfigLoader.Load(null);
        Assert.Equal(["localhost"], config.Domains);
        Assert.Equal(["127.0.0.1:5222"], config.Listeners.Client);
        Assert.Equal(["127.0.0.1:5223"], config.Listeners.ClientDirectTls);
        Assert.True(config.Tls.Required);
        Assert.Equal(30, config.Auth.TimeoutSeconds);
        Assert.Equal("Information", config.Logging.Level);
    }

    [Fact]
    public async Task Log_level_from_the_config_file_is_applied()
    {
        using var folder = new CliFolder("\"logging\": { \"level\": \"Debug\" }");
        await using var server = folder.StartServer();
        var endPoint = await server.WaitForListenerAsync();
        await using (await XmppTestClient.ConnectAsync(endPoint, "localhost"))
        {
            await server.WaitForLineAsync(@"dbug: .*Connection from 127\.0\.0\.1 opened");
        }
    }

    [Fact]
    public async Task Enabled_modules_from_the_config_decide_which_payloads_are_served()
    {
        await using var server = await TestServers.StartAsync(c => c.Modules.Enabled = []);
        await using var alice = await server.LoginAsync("alice", "modules");
        await alice.SendAsync("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("r1"))));
    }
}
