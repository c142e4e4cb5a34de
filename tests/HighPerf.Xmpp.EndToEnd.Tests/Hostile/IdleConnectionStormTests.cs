using System.Net.Sockets;
using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>
/// One client opens 500 connections and sends nothing: logins and chat go on as usual, and the
/// authentication timeout closes every one of them with a connection-timeout stream error.
/// </summary>
public sealed class IdleConnectionStormTests
{
    private const int Connections = 500;

    [Fact]
    public async Task Five_hundred_silent_connections_do_not_slow_a_normal_client_and_all_time_out()
    {
        await using var server = await TestServers.StartAsync(c => c.Auth.TimeoutSeconds = 2, users: ["alice", "carol"]);
        var sockets = new Socket[Connections];
        try
        {
            await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (i, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(server.ClientEndPoint, cancel);
                sockets[i] = socket;
            });

            // A whole login and a round trip while all of them are open.
            await using (var alice = await server.LoginAsync("alice", "storm").WaitAsync(TimeSpan.FromSeconds(5)))
            await using (var probe = await Probe.StartAsync(server))
            {
                Assert.True(alice.IsSecure);
                for (var i = 0; i < 5; i++)
                {
                    Assert.True(await probe.RoundTripAsync() < TimeSpan.FromSeconds(1));
                }
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var outcomes = await Task.WhenAll(sockets.Select(s => ReadUntilClosedAsync(s, deadline.Token)));
            Assert.All(outcomes, text => Assert.Contains("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>", text, StringComparison.Ordinal));
            Assert.All(outcomes, text => Assert.EndsWith("</stream:stream>", text, StringComparison.Ordinal));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task<string> ReadUntilClosedAsync(Socket socket, CancellationToken cancel)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
            if (read == 0)
            {
                return Encoding.UTF8.GetString(received.ToArray());
            }

            received.Write(buffer, 0, read);
        }
    }
}
