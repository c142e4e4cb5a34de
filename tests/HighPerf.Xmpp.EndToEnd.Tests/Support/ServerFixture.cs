using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>One in-process server per test class, with a few accounts; tests use distinct resources.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        foreach (var user in new[] { "alice", "bob", "carol", "dave", "erin", "frank" })
        {
            await Server.AddUserAsync(user, "secret");
        }
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public Task<XmppTestClient> LoginAsync(string user, string? resource = null, string mechanism = "SCRAM-SHA-256")
        => XmppTestClient.LoginAsync(Server.ClientEndPoint, Server.Domain, user, "secret", resource, mechanism);
}
