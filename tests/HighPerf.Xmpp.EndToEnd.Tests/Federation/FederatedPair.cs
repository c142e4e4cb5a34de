using System.Net;
using System.Net.Sockets;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>
/// Two instances of our server with different domains on distinct loopback addresses (alpha.test on 127.0.0.2,
/// beta.test on 127.0.0.3), each with a static route to the other's s2s listener. The s2s ports are picked free on
/// their own address just before start (the routes must name them before either server listens).
/// </summary>
internal sealed class FederatedPair : IAsyncDisposable
{
    public const string AlphaDomain = "alpha.test";
    public const string BetaDomain = "beta.test";

    private FederatedPair(TestServer alpha, TestServer beta)
    {
        Alpha = alpha;
        Beta = beta;
    }

    public TestServer Alpha { get; }

    public TestServer Beta { get; }

    /// <param name="configure">Applied to both servers' federation sections (policy tests).</param>
    /// <param name="configureBeta">Applied to beta's whole config after that.</param>
    public static async Task<FederatedPair> StartAsync(
        Action<FederationConfig>? configure = null, Action<ServerConfig>? configureBeta = null, string[]? users = null, Action<ServerConfig>? configureAlpha = null)
    {
        var alphaPort = FreePort("127.0.0.2");
        var betaPort = FreePort("127.0.0.3");
        var alpha = await TestServer.StartAsync(config =>
        {
            Configure(config, AlphaDomain, "127.0.0.2", alphaPort, BetaDomain, $"127.0.0.3:{betaPort}");
            configure?.Invoke(config.Federation);
            configureAlpha?.Invoke(config);
        });
        TestServer beta;
        try
        {
            beta = await TestServer.StartAsync(config =>
            {
                Configure(config, BetaDomain, "127.0.0.3", betaPort, AlphaDomain, $"127.0.0.2:{alphaPort}");
                configure?.Invoke(config.Federation);
                configureBeta?.Invoke(config);
            });
        }
        catch
        {
            await alpha.DisposeAsync();
            throw;
        }

        foreach (var user in users ?? ["romeo", "juliet"])
        {
            await alpha.AddUserAsync(user);
            await beta.AddUserAsync(user);
        }

        // Against HPX_SERVER_BINARY, adduser stops the server and the next use of an endpoint starts it again: both
        // must be listening for s2s before a test sends across, even one that never logs in to the other side.
        _ = alpha.ClientEndPoint;
        _ = beta.ClientEndPoint;

        return new FederatedPair(alpha, beta);
    }

    public static void Configure(ServerConfig config, string domain, string address, int s2sPort, string peerDomain, string peerRoute)
    {
        config.Domains = [domain];
        config.Listeners = new ListenersConfig { Client = [$"{address}:0"], ClientDirectTls = [$"{address}:0"] };
        config.Federation.Enabled = true;
        config.Federation.Listen = [$"{address}:{s2sPort}"];
        config.Federation.Routes = new Dictionary<string, string> { [peerDomain] = peerRoute };
        config.Federation.ConnectTimeoutSeconds = 20;
    }

    /// <summary>A port free on <paramref name="address"/> right now (the OS picks it; the caller binds it soon after).</summary>
    public static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task<XmppTestClient> AlphaLoginAsync(string user, string resource = "r")
        => XmppTestClient.LoginAsync(Alpha.ClientEndPoint, AlphaDomain, user, "secret", resource);

    public Task<XmppTestClient> BetaLoginAsync(string user, string resource = "r")
        => XmppTestClient.LoginAsync(Beta.ClientEndPoint, BetaDomain, user, "secret", resource);

    public async ValueTask DisposeAsync()
    {
        await Alpha.DisposeAsync();
        await Beta.DisposeAsync();
    }
}
