using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using HighPerf.Xmpp.Core.Federation;
using HighPerf.Xmpp.EndToEnd.Tests.Im;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>What goes wrong across servers: unreachable and silent peers bounce every queued stanza (RFC 6120 §8.3.3);
/// a peer that claims a domain it did not authenticate is refused with a stream error.</summary>
public sealed partial class FederationFailureTests
{
    [Fact]
    public async Task Every_stanza_queued_for_an_unreachable_domain_bounces_with_remote_server_not_found()
    {
        var closedPort = FederatedPair.FreePort("127.0.0.2");
        await using var pair = await FederatedPair.StartAsync(f => f.Routes["gamma.test"] = $"127.0.0.2:{closedPort}");
        await using var romeo = await pair.AlphaLoginAsync("romeo");
        for (var i = 0; i < 3; i++)
        {
            await romeo.SendAsync($"<message to='mercutio@gamma.test' type='chat' id='u{i}'><body>{i}</body></message>");
        }

        for (var i = 0; i < 3; i++)
        {
            var error = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == $"u{i}", TimeSpan.FromSeconds(30));
            Assert.Equal("error", (string?)error.Attribute("type"));
            Assert.Equal("mercutio@gamma.test", (string?)error.Attribute("from"));
            Assert.Equal("remote-server-not-found", ImSteps.ErrorCondition(error));
        }
    }

    [Fact]
    public async Task A_peer_that_accepts_but_never_answers_bounces_queued_stanzas_with_remote_server_timeout()
    {
        using var silent = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var pair = await FederatedPair.StartAsync(f =>
        {
            f.Routes["gamma.test"] = $"127.0.0.2:{port}";
            f.ConnectTimeoutSeconds = 1;
        });
        await using var romeo = await pair.AlphaLoginAsync("romeo");
        await romeo.SendAsync("<iq type='get' to='mercutio@gamma.test/x' id='t1'><ping xmlns='urn:xmpp:ping'/></iq>");
        var error = await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "t1"), TimeSpan.FromSeconds(30));
        Assert.Equal("error", (string?)error.Attribute("type"));
        Assert.Equal("remote-server-timeout", ImSteps.ErrorCondition(error));
    }

    [Fact]
    public async Task A_peer_sending_a_from_of_a_domain_it_did_not_authenticate_gets_invalid_from()
    {
        const string secret = "beta-dialback-secret";
        await using var pair = await FederatedPair.StartAsync(configureBeta: c => c.Federation.DialbackSecret = secret);
        var alphaS2s = pair.Alpha.Host.S2sEndPoints[0];

        // A raw peer that really is beta.test's operator (it knows beta's secret), claiming someone else's domain.
        using var peer = await RawS2sPeer.ConnectAsync(alphaS2s, from: FederatedPair.BetaDomain, to: FederatedPair.AlphaDomain);
        var key = new byte[DialbackKey.Length];
        new DialbackKey(Encoding.UTF8.GetBytes(secret)).Write(
            Encoding.UTF8.GetBytes(FederatedPair.AlphaDomain), Encoding.UTF8.GetBytes(FederatedPair.BetaDomain), Encoding.UTF8.GetBytes(peer.StreamId), key);
        await peer.SendAsync($"<db:result from='beta.test' to='alpha.test'>{Encoding.ASCII.GetString(key)}</db:result>");
        await peer.ReadUntilAsync("type='valid'");

        await peer.SendAsync("<message from='mallory@gamma.test/x' to='romeo@alpha.test' type='chat'><body>trust me</body></message>");
        var tail = await peer.ReadUntilAsync("</stream:stream>");
        Assert.Contains("<invalid-from", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stanza_before_any_domain_is_authenticated_gets_not_authorized()
    {
        await using var pair = await FederatedPair.StartAsync();
        using var peer = await RawS2sPeer.ConnectAsync(pair.Alpha.Host.S2sEndPoints[0], from: FederatedPair.BetaDomain, to: FederatedPair.AlphaDomain);
        await peer.SendAsync("<message from='juliet@beta.test/r' to='romeo@alpha.test' type='chat'><body>hi</body></message>");
        Assert.Contains("<not-authorized", await peer.ReadUntilAsync("</stream:stream>"), StringComparison.Ordinal);
    }

    /// <summary>A hand-driven s2s initiator: header, STARTTLS (any certificate accepted), header again; then raw XML.</summary>
    private sealed partial class RawS2sPeer : IDisposable
    {
        private readonly TcpClient _tcp;
        private Stream _stream;
        private readonly StringBuilder _received = new();

        private RawS2sPeer(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
        }

        public string StreamId { get; private set; } = "";

        public static async Task<RawS2sPeer> ConnectAsync(IPEndPoint endPoint, string from, string to)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(endPoint);
            var peer = new RawS2sPeer(tcp);
            var header = $"<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' version='1.0' from='{from}' to='{to}'>";
            await peer.SendAsync(header);
            await peer.ReadUntilAsync("</stream:features>");
            await peer.SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            await peer.ReadUntilAsync("<proceed");
            var tls = new SslStream(peer._stream, false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(to);
            peer._stream = tls;
            await peer.SendAsync(header);
            var features = await peer.ReadUntilAsync("</stream:features>");
            peer.StreamId = IdPattern().Match(features).Groups[1].Value;
            return peer;
        }

        public async Task SendAsync(string xml)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(xml));
            await _stream.FlushAsync();
        }

        /// <summary>Reads until <paramref name="marker"/> arrives (bounded by a timeout); returns what came and forgets it.</summary>
        public async Task<string> ReadUntilAsync(string marker)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var buffer = new byte[4096];
            while (!_received.ToString().Contains(marker, StringComparison.Ordinal))
            {
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                _received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            var text = _received.ToString();
            _received.Clear();
            return text;
        }

        public void Dispose()
        {
            _stream.Dispose();
            _tcp.Dispose();
        }

        [GeneratedRegex("id='([^']+)'")]
        private static partial Regex IdPattern();
    }
}
