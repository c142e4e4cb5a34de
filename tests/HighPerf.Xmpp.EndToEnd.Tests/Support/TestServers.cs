using System.Text;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>A server of its own for tests that need a configuration other than the shared fixture's.</summary>
public static class TestServers
{
    public static async Task<TestServer> StartAsync(
        Action<ServerConfig>? configure = null, string[]? users = null, ILoggerFactory? loggerFactory = null,
        IReadOnlyList<IXmppModule>? extraModules = null)
    {
        var server = await TestServer.StartAsync(configure, loggerFactory: loggerFactory, extraModules: extraModules);
        foreach (var user in users ?? ["alice", "bob"])
        {
            await server.AddUserAsync(user, "secret");
        }

        return server;
    }

    public static Task<XmppTestClient> LoginAsync(this TestServer server, string user, string? resource = null, string mechanism = "SCRAM-SHA-256", int? receiveBufferSize = null)
        => XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, user, "secret", resource, mechanism, receiveBufferSize: receiveBufferSize);

    public static Task<XmppTestClient> ConnectAsync(this TestServer server, bool directTls = false)
        => XmppTestClient.ConnectAsync(directTls ? server.DirectTlsEndPoint : server.ClientEndPoint, server.Domain, directTls);

    /// <summary>True while a session is bound to <paramref name="fullJid"/> (normalized form).</summary>
    public static bool IsBound(this TestServer server, string fullJid)
    {
        var slash = fullJid.IndexOf('/', StringComparison.Ordinal);
        return server.Host.Server.Routes.FindSession(Encoding.UTF8.GetBytes(fullJid[..slash]), Encoding.UTF8.GetBytes(fullJid[(slash + 1)..])) is not null;
    }

    /// <summary>Waits until no session is bound to <paramref name="fullJid"/> (the server ended it).</summary>
    public static async Task WaitUntilUnboundAsync(this TestServer server, string fullJid, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (server.IsBound(fullJid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{fullJid} is still bound.");
            await Task.Delay(20);
        }
    }
}
