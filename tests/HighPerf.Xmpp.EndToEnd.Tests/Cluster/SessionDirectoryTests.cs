using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// A node (the real server as a child process) lists its sessions in the directory on the engine, with what their
/// presence says; killed with SIGKILL, its sessions leave the directory within the TTL, as another node sees it.
/// </summary>
public sealed class SessionDirectoryTests : IAsyncLifetime
{
    private const int TtlSeconds = 4;
    private static readonly byte[] Alice = Encoding.UTF8.GetBytes("alice@localhost");
    private readonly string _prefix = "dir" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;

    public async Task InitializeAsync() => _garnet = await GarnetProcess.StartAsync();

    public async Task DisposeAsync() => await _garnet.DisposeAsync();

    [Fact]
    public async Task A_killed_nodes_sessions_leave_the_directory_within_the_ttl()
    {
        using var folder = new CliFolder($$"""
            "cluster": { "enabled": true, "endpoints": ["{{_garnet.EndPoint}}"], "keyPrefix": "{{_prefix}}", "nodeId": "victim",
                         "heartbeatSeconds": 1, "sessionTtlSeconds": {{TtlSeconds}} }
            """);
        var created = await folder.RunToExitWithInputAsync("secret\n", "adduser", "alice@localhost");
        Assert.True(created.ExitCode == 0, created.ToString());

        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            GarnetDataStore.ConnectionOptions(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] }, "observer"));
        await using var observer = await SessionDirectory.StartAsync(connection, new SessionDirectoryOptions
        {
            NodeId = "observer",
            KeyPrefix = _prefix,
            Heartbeat = TimeSpan.FromSeconds(1),
            Ttl = TimeSpan.FromSeconds(TtlSeconds),
        }, NullLogger.Instance);

        var node = folder.StartServer();
        await using (node)
        {
            var endPoint = await node.WaitForListenerAsync(timeout: TimeSpan.FromSeconds(60));
            await using var alice = await XmppTestClient.LoginAsync(endPoint, "localhost", "alice", "secret", "phone");
            await alice.BecomeAvailableAsync(priority: 7);

            var listed = Assert.Single(await EventuallyAsync(() => observer.Lookup(Alice), s => s.Length == 1 && s[0].Available));
            Assert.Equal("phone", Encoding.UTF8.GetString(listed.Resource));
            Assert.Equal(7, listed.Priority);
            Assert.StartsWith("victim-", listed.NodeId, StringComparison.Ordinal);

            var killed = DateTime.UtcNow;
            node.Signal(9);
            await node.WaitForExitAsync(TimeSpan.FromSeconds(30));

            await EventuallyAsync(() => observer.Lookup(Alice), s => s.Length == 0, TimeSpan.FromSeconds(30));
            var took = DateTime.UtcNow - killed;

            // TTL-bound with room for a loaded machine: a directory that only forgets at a clean stop never gets here.
            Assert.True(took < TimeSpan.FromSeconds((2 * TtlSeconds) + 2), $"took {took}");
            Assert.False(observer.IsLive(listed.NodeId));
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; last value: {value}");
            }

            await Task.Delay(50);
        }
    }
}
