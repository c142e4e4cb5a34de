using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>One in-process server per test class, with a few accounts; tests use distinct resources.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private int _users;

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

    /// <summary>Creates an account no other test uses (for tests whose outcome depends on all of a user's sessions).</summary>
    public async Task<string> NewUserAsync(string prefix)
    {
        var user = $"{prefix}-{Interlocked.Increment(ref _users)}";
        await Server.AddUserAsync(user, "secret");
        return user;
    }

    /// <summary>A connected client that has sent nothing yet.</summary>
    public Task<XmppTestClient> ConnectAsync(bool directTls = false) => Server.ConnectAsync(directTls);

    /// <summary>A client past STARTTLS, ready to authenticate.</summary>
    public async Task<XmppTestClient> ConnectSecureAsync()
    {
        var client = await ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        return client;
    }
}
