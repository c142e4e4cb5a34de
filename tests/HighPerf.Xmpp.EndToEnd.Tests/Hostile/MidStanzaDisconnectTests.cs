using System.Net.Sockets;
using System.Text;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Hostile;

/// <summary>Clients that vanish halfway through a stanza, a header or a TLS handshake leave nothing behind.</summary>
public sealed class MidStanzaDisconnectTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Bound_clients_disconnecting_mid_stanza_are_unbound_and_others_stay_responsive()
    {
        await using var probe = await Probe.StartAsync(_server);
        await using var bob = await _server.LoginAsync("bob", "recipient");
        var baseline = _server.Host.Server.Routes.SessionCount;
        for (var i = 0; i < 10; i++)
        {
            var alice = await _server.LoginAsync("alice", $"vanish{i}");

            // A whole stanza (delivered), then half of the next one, then gone.
            await alice.SendAsync($"<message to='bob@localhost/recipient' id='whole{i}'><body>first</body></message><message to='bob@localhost/recipient' id='half{i}'><body>sec");
            await bob.ExpectAsync(Wire.Reply($"whole{i}"));
            await alice.DisposeAsync();
            await _server.WaitUntilUnboundAsync($"alice@localhost/vanish{i}");
            await probe.RoundTripAsync();
        }

        await bob.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(baseline, _server.Host.Server.Routes.SessionCount);
    }

    [Theory]
    [InlineData("<?xml version='1.0'?><stream:stream to='local")]
    [InlineData("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'")]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003")]
    public async Task Plain_connections_vanishing_mid_element_leave_the_server_responsive(string partial)
    {
        await using var probe = await Probe.StartAsync(_server);
        var bytes = Encoding.Latin1.GetBytes(partial);
        for (var i = 0; i < 50; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(_server.ClientEndPoint);
            await socket.SendAsync(bytes);
            if (i % 2 == 0)
            {
                socket.LingerState = new LingerOption(true, 0); // half of them with a reset rather than a FIN
            }
        }

        await probe.RoundTripAsync();
    }

    [Fact]
    public async Task Client_vanishing_mid_tls_handshake_on_the_direct_tls_port_leaves_the_server_responsive()
    {
        await using var probe = await Probe.StartAsync(_server);
        var clientHelloStart = new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 1, 2, 3 };
        for (var i = 0; i < 30; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(_server.DirectTlsEndPoint);
            await socket.SendAsync(clientHelloStart);
        }

        await probe.RoundTripAsync();
        await using var client = await _server.ConnectAsync(directTls: true);
        Assert.NotNull((await client.OpenStreamAsync()).Element(XmppTestClient.Sasl + "mechanisms"));
    }
}
