using System.Collections.Concurrent;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>Fifty clients on several event loops: every message arrives exactly once and in order per sender.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private const int Clients = 50;
    private const int MessagesPerClient = 40;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        for (var i = 0; i < Clients; i++)
        {
            await _server.AddUserAsync($"u{i}", "secret");
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Fifty_clients_exchange_messages_exactly_once_in_order_per_sender()
    {
        var clients = new XmppTestClient[Clients];
        try
        {
            await Parallel.ForAsync(0, Clients, async (i, _) =>
                clients[i] = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, $"u{i}", "secret", "load"));

            // Each sender picks its recipients with a fixed seed; the expected sequence per (sender, recipient) follows.
            var expected = new ConcurrentDictionary<(int From, int To), List<int>>();
            var plans = new int[Clients][];
            for (var i = 0; i < Clients; i++)
            {
                var random = new Random(1000 + i);
                plans[i] = new int[MessagesPerClient];
                for (var n = 0; n < MessagesPerClient; n++)
                {
                    var to = random.Next(Clients - 1);
                    plans[i][n] = to >= i ? to + 1 : to;
                    expected.GetOrAdd((i, plans[i][n]), _ => []).Add(n);
                }
            }

            var received = new ConcurrentDictionary<(int From, int To), List<int>>();
            var totals = new int[Clients];
            foreach (var ((_, to), list) in expected)
            {
                totals[to] += list.Count;
            }

            var readers = Enumerable.Range(0, Clients).Select(async to =>
            {
                for (var k = 0; k < totals[to]; k++)
                {
                    var message = await clients[to].ExpectAsync(e => e.Name == ImSteps.Client + "message", TimeSpan.FromSeconds(30));
                    var body = message.Element(ImSteps.Client + "body")!.Value.Split(':');
                    received.GetOrAdd((int.Parse(body[0]), to), _ => []).Add(int.Parse(body[1]));
                }
            }).ToArray();

            var writers = Enumerable.Range(0, Clients).Select(async from =>
            {
                for (var n = 0; n < MessagesPerClient; n++)
                {
                    await clients[from].SendAsync($"<message to='u{plans[from][n]}@localhost/load' type='chat'><body>{from}:{n}</body></message>");
                }
            }).ToArray();

            await Task.WhenAll(writers);
            await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));

            foreach (var (key, list) in expected)
            {
                Assert.True(received.TryGetValue(key, out var got), $"nothing from {key.From} to {key.To}");
                Assert.Equal(list, got);
            }

            await clients[0].ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // and nothing more
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }
    }
}
