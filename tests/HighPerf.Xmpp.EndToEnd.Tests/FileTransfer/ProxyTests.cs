using System.Security.Cryptography;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>XEP-0065 SOCKS5 bytestreams through the server's proxy: discovery, pairing, activation, relaying.</summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task The_proxy_is_listed_in_the_server_items_with_its_identity_and_announces_its_streamhost()
    {
        await using var server = await StartProxyServerAsync();
        await using var client = await server.LoginAsync("initiator");
        var items = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#items'/>", "localhost");
        Assert.Contains(items.Descendants(ModuleSteps.DiscoItems + "item"), i => (string?)i.Attribute("jid") == "proxy.localhost");

        var info = await client.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "proxy.localhost");
        var identity = Assert.Single(info.Descendants(ModuleSteps.DiscoInfo + "identity"));
        Assert.Equal(("proxy", "bytestreams"), ((string?)identity.Attribute("category"), (string?)identity.Attribute("type")));
        Assert.Contains("http://jabber.org/protocol/bytestreams", await client.FeaturesAsync("proxy.localhost"));

        var streamhost = await StreamhostAsync(client);
        Assert.Equal(server.Host.Proxy!.EndPoint, streamhost);
    }

    [Fact]
    public async Task After_activation_bytes_flow_both_ways_unchanged_and_the_end_of_one_side_ends_the_other_after_its_data()
    {
        await using var server = await StartProxyServerAsync();
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        var (source, target) = await OpenBytestreamAsync(proxy, initiator, "target@localhost/b", "sid-1");
        await using (source)
        await using (target)
        {
            var file = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
            var received = target.ReadExactlyAsync(file.Length);
            await source.SendAsync(file);
            Assert.Equal(file, await received);

            var back = RandomNumberGenerator.GetBytes(70_000);
            var echoed = source.ReadExactlyAsync(back.Length);
            await target.SendAsync(back);
            Assert.Equal(back, await echoed);

            var tail = RandomNumberGenerator.GetBytes(100_000);
            await source.SendAsync(tail);
            source.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            Assert.Equal(tail, await target.ReadToEndAsync());
        }

        await WaitForAsync(() => server.Host.Proxy!.Transfers == 0 && server.Host.Proxy.Connections == 0);
        Assert.Equal(1, server.Host.Proxy!.Stats.TransfersCompleted);
    }

    [Fact]
    public async Task Nothing_is_relayed_before_activation_and_what_was_sent_early_arrives_after_it()
    {
        await using var server = await StartProxyServerAsync();
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        var address = DestinationAddress("early", initiator.Jid!, "target@localhost/b");
        var (target, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        var (source, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        await using (source)
        await using (target)
        {
            await source.SendAsync("early bytes"u8.ToArray());
            var first = target.ReadExactlyAsync(11);
            await Task.Delay(300);
            Assert.False(first.IsCompleted);

            var activated = await ActivateAsync(initiator, "early", "target@localhost/b");
            Assert.Equal("result", (string?)activated.Attribute("type"));
            Assert.Equal("early bytes"u8.ToArray(), await first);
        }
    }

    [Fact]
    public async Task Activation_errors_follow_xep_0065_unknown_address_one_party_other_initiator_twice_and_malformed()
    {
        await using var server = await StartProxyServerAsync();
        await using var initiator = await server.LoginAsync("initiator", "a");
        await using var other = await server.LoginAsync("other", "c");
        var proxy = await StreamhostAsync(initiator);

        Assert.Equal("item-not-found", Wire.ErrorCondition(await ActivateAsync(initiator, "nobody-connected", "target@localhost/b")));

        var (target, _) = await Socks5TestClient.ConnectAsync(proxy, DestinationAddress("s2", initiator.Jid!, "target@localhost/b"));
        await using (target)
        {
            Assert.Equal("not-allowed", Wire.ErrorCondition(await ActivateAsync(initiator, "s2", "target@localhost/b")));
            var (source, _) = await Socks5TestClient.ConnectAsync(proxy, DestinationAddress("s2", initiator.Jid!, "target@localhost/b"));
            await using (source)
            {
                // Someone else naming the same sid and target hashes their own JID: not this bytestream.
                Assert.Equal("item-not-found", Wire.ErrorCondition(await ActivateAsync(other, "s2", "target@localhost/b")));
                Assert.Equal("result", (string?)(await ActivateAsync(initiator, "s2", "target@localhost/b")).Attribute("type"));
                Assert.Equal("not-allowed", Wire.ErrorCondition(await ActivateAsync(initiator, "s2", "target@localhost/b")));
            }
        }

        Assert.Equal("jid-malformed", Wire.ErrorCondition(await ActivateAsync(initiator, "s3", "@@bad")));
        Assert.Equal("bad-request", await initiator.IqErrorAsync("set", "<query xmlns='http://jabber.org/protocol/bytestreams'><activate>target@localhost/b</activate></query>", "proxy.localhost"));
        Assert.Equal("bad-request", await initiator.IqErrorAsync("set", "<query xmlns='http://jabber.org/protocol/bytestreams' sid='x'/>", "proxy.localhost"));
        Assert.Equal("service-unavailable", await initiator.IqErrorAsync("get", "<vCard xmlns='vcard-temp'/>", "proxy.localhost"));
        Assert.Equal("service-unavailable", await initiator.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/bytestreams'/>", "someone@proxy.localhost"));
    }

    [Fact]
    public async Task A_bare_jid_initiator_as_some_clients_use_it_in_the_exchange_can_activate()
    {
        await using var server = await StartProxyServerAsync();
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        var address = DestinationAddress("bare", "initiator@localhost", "target@localhost");
        var (target, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        var (source, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        await using (source)
        await using (target)
        {
            Assert.Equal("result", (string?)(await ActivateAsync(initiator, "bare", "target@localhost")).Attribute("type"));
            await source.SendAsync("x"u8.ToArray());
            Assert.Equal("x"u8.ToArray(), await target.ReadExactlyAsync(1));
        }
    }

    [Fact]
    public async Task A_third_connection_for_one_address_is_refused_and_so_is_a_bytestream_over_max_transfers()
    {
        await using var server = await StartProxyServerAsync(p => p.MaxTransfers = 1);
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        var address = DestinationAddress("s", initiator.Jid!, "target@localhost/b");
        var (first, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        var (second, _) = await Socks5TestClient.ConnectAsync(proxy, address);
        await using (first)
        await using (second)
        {
            var (third, status) = await Socks5TestClient.ConnectAsync(proxy, address);
            await using (third)
            {
                Assert.Equal(2, status); // connection not allowed by ruleset
                Assert.True(await third.IsClosedByPeerAsync());
            }

            var (fourth, full) = await Socks5TestClient.ConnectAsync(proxy, DestinationAddress("t", initiator.Jid!, "target@localhost/b"));
            await using (fourth)
            {
                Assert.Equal(1, full); // general failure: the relay is full
                Assert.True(await fourth.IsClosedByPeerAsync());
            }
        }
    }

    [Fact]
    public async Task A_connection_that_stays_silent_or_a_bytestream_never_activated_is_closed_after_the_idle_timeout()
    {
        await using var server = await StartProxyServerAsync(p => p.IdleTimeoutSeconds = 1);
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        await using var silent = await Socks5TestClient.OpenAsync(proxy);
        var (waiting, _) = await Socks5TestClient.ConnectAsync(proxy, DestinationAddress("idle", initiator.Jid!, "target@localhost/b"));
        await using (waiting)
        {
            Assert.True(await silent.IsClosedByPeerAsync(TimeSpan.FromSeconds(15)));
            Assert.True(await waiting.IsClosedByPeerAsync(TimeSpan.FromSeconds(15)));
        }

        await WaitForAsync(() => server.Host.Proxy!.Transfers == 0);
    }

    [Fact]
    public async Task The_rate_limit_paces_a_transfer_without_losing_bytes()
    {
        const int rate = 256 * 1024;
        await using var server = await StartProxyServerAsync(p => p.MaxBytesPerSecond = rate);
        await using var initiator = await server.LoginAsync("initiator", "a");
        var proxy = await StreamhostAsync(initiator);
        var (source, target) = await OpenBytestreamAsync(proxy, initiator, "target@localhost/b", "rate");
        await using (source)
        await using (target)
        {
            var file = RandomNumberGenerator.GetBytes(3 * rate);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var received = target.ReadExactlyAsync(file.Length);
            await source.SendAsync(file);
            Assert.Equal(file, await received);

            // One second's worth passes at once; the other two wait for the bucket (a lower bound only: a loaded
            // machine can only make it slower).
            Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1.5), $"3 x the rate went through in {started.Elapsed}");
        }
    }

    [Fact]
    public async Task Connections_beyond_two_per_transfer_and_a_margin_are_closed_at_accept_and_counted_in_metrics()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            Enable(c, "proxy65");
            c.Modules.Proxy65.Listen = "127.0.0.1:0";
            c.Modules.Proxy65.MaxTransfers = 1;
            Operations.MetricsScrape.Enable(c);
        }, users: ["initiator", "target"]);
        var proxy = server.Host.Proxy!.EndPoint!;
        var open = new List<Socks5TestClient>();
        try
        {
            for (var i = 0; i < 2 + 32; i++)
            {
                open.Add(await Socks5TestClient.OpenAsync(proxy));
            }

            await WaitForAsync(() => server.Host.Proxy.Connections == 34);
            await using var refused = await Socks5TestClient.OpenAsync(proxy);
            Assert.True(await refused.IsClosedByPeerAsync());
            Assert.Equal(1, server.Host.Proxy.Stats.ConnectionsRefused);
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }

        await WaitForAsync(() => server.Host.Proxy.Connections == 0);
        await using var initiator = await server.LoginAsync("initiator", "a");
        var (source, target) = await OpenBytestreamAsync(proxy, initiator, "target@localhost/b", "m");
        await using (source)
        await using (target)
        {
            await source.SendAsync(new byte[5000]);
            await target.ReadExactlyAsync(5000);
        }

        var text = await Operations.MetricsScrape.ScrapeAsync(server);
        var relayed = text.Split('\n').Single(l => l.StartsWith("xmpp_proxy65_relayed", StringComparison.Ordinal) && !l.StartsWith('#'));
        Assert.True(double.Parse(relayed[(relayed.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 5000, relayed);
        Assert.Contains("xmpp_proxy65_refused", text, StringComparison.Ordinal);
    }

    internal static async Task WaitForAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
