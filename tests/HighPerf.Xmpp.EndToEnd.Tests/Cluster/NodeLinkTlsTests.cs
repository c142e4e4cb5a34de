using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using HighPerf.Xmpp.Transport.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// TLS on node links (cluster.tls, on by default): what passes between two nodes shows no stanza with it on (and
/// does with it off); a node with another cluster certificate gets no link, so a message for a user on it is
/// handled as for an offline recipient; the link listener challenges only a TLS peer that presents the cluster
/// certificate; a missing or unreadable certificate stops the start with a message naming the key.
/// </summary>
public sealed class NodeLinkTlsTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tls-tests";
    private static readonly byte[] Bob = Encoding.UTF8.GetBytes("bob@localhost");
    private readonly string _prefix = "xt" + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "hpx-link-tls-" + Guid.NewGuid().ToString("N")[..8]);
    private GarnetProcess _garnet = null!;
    private ConnectionMultiplexer _observerConnection = null!;
    private SessionDirectory _observer = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _observerConnection = await ConnectionMultiplexer.ConnectAsync(
            GarnetDataStore.ConnectionOptions(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] }, "observer"));
        _observer = await SessionDirectory.StartAsync(_observerConnection, new SessionDirectoryOptions { NodeId = "observer", KeyPrefix = _prefix }, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _observerConnection.DisposeAsync();
        await _garnet.DisposeAsync();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_message_crossing_a_link_is_unreadable_on_the_wire_with_tls_and_readable_without(bool tls)
    {
        await using var proxy = new RecordingTcpProxy();
        await using var nodeA = await StartNodeAsync("a", config => config.Cluster.Tls = tls);
        // Node B advertises the proxy: node A's link to B passes through it.
        await using var nodeB = await StartNodeAsync("b", config =>
        {
            config.Cluster.Tls = tls;
            config.Cluster.Advertise = proxy.EndPoint.ToString();
        });
        proxy.Target = nodeB.Host.NodeLinkEndPoint;
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        await using var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b");
        await bob.BecomeAvailableAsync();
        await WaitUntilListedAsync(s => s.Length == 1 && s[0].Available);

        var body = "a body only the two ends may read " + Guid.NewGuid().ToString("N");
        await alice.SendAsync($"<message to='bob@localhost/b' type='chat' id='m1'><body>{body}</body></message>");
        var received = await bob.ExpectAsync(e => (string?)e.Attribute("id") == "m1");
        Assert.Equal(body, (string?)received.Element(ImSteps.Client + "body"));

        // The frame passed the proxy before bob got it, so the copy holds it (encrypted or not).
        Assert.True(proxy.Connections >= 1, "the link did not go through the proxy");
        var seen = proxy.Seen();
        Assert.Equal(!tls, Contains(seen, body));
        Assert.Equal(!tls, Contains(seen, "alice@localhost/a"));
    }

    [Fact]
    public async Task A_node_with_another_cluster_certificate_gets_no_link_and_the_message_goes_to_offline_storage()
    {
        var other = ClusterTestCertificate.Make(_scratch);
        await using var nodeA = await StartNodeAsync("a", config =>
        {
            config.Cluster.Certificate = other.CertificatePath;
            config.Cluster.Key = other.PrivateKeyPath;
        });
        await using var nodeB = await StartNodeAsync("b");
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        await using (var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b"))
        {
            await bob.BecomeAvailableAsync();
            await WaitUntilListedAsync(s => s.Length == 1 && s[0].Available);
            await alice.SendAsync("<message to='bob@localhost/b' type='chat' id='unlinked'><body>kept</body></message>");
            await CrossNodeRoutingTests.EventuallyAsync(() => nodeA.Host.Server.Store.Offline.Count("bob@localhost"u8), n => n == 1, TimeSpan.FromSeconds(30));
        }

        // The message waits in the shared store and comes at bob's next login.
        await using var again = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "again");
        await again.SendPresenceAsync();
        var stored = await again.ExpectAsync(e => (string?)e.Attribute("id") == "unlinked");
        Assert.Equal("alice@localhost/a", (string?)stored.Attribute("from"));
    }

    [Theory]
    [InlineData("the cluster certificate")]
    [InlineData("another certificate")]
    [InlineData("no certificate")]
    public async Task The_link_listener_challenges_only_a_tls_peer_presenting_the_cluster_certificate(string presented)
    {
        await using var node = await StartNodeAsync("a");
        await node.AddUserAsync("alice");
        var shared = ClusterTestCertificate.Shared;
        using var pinned = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(shared.CertificatePath));
        X509Certificate2Collection offered = presented switch
        {
            "the cluster certificate" => [PemCertificateLoader.LoadForSslStream(shared.CertificatePath, shared.PrivateKeyPath)],
            "another certificate" => [PemCertificateLoader.LoadForSslStream(ClusterTestCertificate.Make(_scratch).CertificatePath, ClusterTestCertificate.Make(_scratch).PrivateKeyPath)],
            _ => [],
        };

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(node.Host.NodeLinkEndPoint!);
        await using var tls = new SslStream(tcp.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var challenge = new byte[5 + 16];
        int read;
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "hpx-cluster",
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificates = offered,
                // The test checks the node's certificate the way a node does: it must be the cluster certificate.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData),
            }, timeout.Token);
            read = await ReadUpToAsync(tls, challenge, timeout.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // TLS 1.3: the client may finish its side before the server refuses its certificate; the refusal then
            // shows as an alert on the first read.
            read = -1;
        }

        if (presented == "the cluster certificate")
        {
            Assert.Equal(challenge.Length, read);
            Assert.Equal(1, challenge[4]);
        }
        else
        {
            Assert.True(read <= 0, $"the node sent {read} bytes to a peer with {presented}");
        }

        // The node keeps serving.
        await using var alice = await XmppTestClient.LoginAsync(node.ClientEndPoint, node.Domain, "alice", "secret", "a");
        await alice.BecomeAvailableAsync();
    }

    [Fact]
    public void A_cluster_with_links_and_tls_but_no_certificate_is_refused_by_the_config_check()
    {
        var config = TestServer.CreateConfig(_scratch);
        config.Cluster.Enabled = true;
        config.Cluster.Endpoints = [_garnet.EndPoint];
        config.Cluster.Secret = Secret;
        config.Cluster.Certificate = null;
        var missing = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(config));
        Assert.Contains("cluster.certificate", missing.Message, StringComparison.Ordinal);

        config.Cluster.Certificate = Path.Combine(_scratch, "absent.crt");
        var absent = Assert.Throws<ConfigException>(() => ConfigLoader.Validate(config));
        Assert.Contains("absent.crt", absent.Message, StringComparison.Ordinal);

        // With the links in the clear no certificate is needed.
        config.Cluster.Tls = false;
        ConfigLoader.Validate(config);
    }

    [Fact]
    public async Task A_node_whose_cluster_certificate_cannot_be_loaded_does_not_start()
    {
        Directory.CreateDirectory(_scratch);
        var garbage = Path.Combine(_scratch, "garbage.crt");
        await File.WriteAllTextAsync(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        var config = TestServer.CreateConfig(Path.Combine(_scratch, "data"));
        config.Cluster.Enabled = true;
        config.Cluster.Endpoints = [_garnet.EndPoint];
        config.Cluster.KeyPrefix = _prefix;
        config.Cluster.Secret = Secret;
        config.Cluster.Certificate = garbage;
        ConfigLoader.Validate(config);

        // In-process even under HPX_SERVER_BINARY: the start's own exception is what the command line prints.
        var refused = await Assert.ThrowsAsync<ConfigException>(() => ServerHost.StartAsync(config, NullLoggerFactory.Instance));
        Assert.Contains("cluster.certificate", refused.Message, StringComparison.Ordinal);
        Assert.Contains("garbage.crt", refused.Message, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <summary>Reads until <paramref name="buffer"/> is full or the peer closes; the byte count.</summary>
    private static async Task<int> ReadUpToAsync(Stream stream, byte[] buffer, CancellationToken cancel)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancel);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }

    private Task<TestServer> StartNodeAsync(string name, Action<ServerConfig>? configure = null)
        => TestServer.StartAsync(config =>
        {
            ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, Secret);
            configure?.Invoke(config);
        });

    private Task<DirectorySession[]> WaitUntilListedAsync(Func<DirectorySession[], bool> done)
        => CrossNodeRoutingTests.EventuallyAsync(() => _observer.Lookup(Bob), done, TimeSpan.FromSeconds(20));
}
