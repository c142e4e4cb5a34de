using static HighPerf.Xmpp.EndToEnd.Tests.FileTransfer.FileTransferSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>The relay's RFC 1928 side against clients that are not XEP-0065 clients, or only just.</summary>
public sealed class Socks5HandshakeTests
{
    private static readonly string Address = new('a', 40);

    [Fact]
    public async Task A_handshake_sent_one_byte_at_a_time_is_understood()
    {
        await using var server = await StartProxyServerAsync();
        var proxy = server.Host.Proxy!.EndPoint!;
        await using var client = await Socks5TestClient.OpenAsync(proxy);
        foreach (var b in new byte[] { 5, 2, 2, 0 })
        {
            await client.SendAsync(new[] { b });
            await Task.Delay(5);
        }

        Assert.Equal([5, 0], await client.ReadExactlyAsync(2));
        foreach (var b in Socks5TestClient.Request(Address))
        {
            await client.SendAsync(new[] { b });
        }

        var reply = await client.ReadExactlyAsync(47);
        Assert.Equal([5, 0, 0, 3, 40], reply[..5]);
        Assert.Equal(1, server.Host.Proxy.Transfers);
    }

    [Fact]
    public async Task Greeting_and_request_in_one_write_are_both_answered()
    {
        await using var server = await StartProxyServerAsync();
        await using var client = await Socks5TestClient.OpenAsync(server.Host.Proxy!.EndPoint!);
        await client.SendAsync((byte[])[5, 1, 0, .. Socks5TestClient.Request(Address)]);
        var replies = await client.ReadExactlyAsync(2 + 47);
        Assert.Equal([5, 0, 5, 0], replies[..4]);
    }

    [Theory]
    [InlineData(new byte[] { 4, 1, 0, 80, 1, 2, 3, 4, 0 }, new byte[0])] // SOCKS4
    [InlineData(new byte[] { 0x16, 3, 1, 0, 0xA5 }, new byte[0])] // a TLS ClientHello
    [InlineData(new byte[] { 5, 1, 2 }, new byte[] { 5, 0xFF })] // username/password only
    [InlineData(new byte[] { 5, 0 }, new byte[] { 5, 0xFF })] // no methods at all
    public async Task A_client_that_is_not_socks5_without_authentication_is_closed(byte[] greeting, byte[] expected)
    {
        await using var server = await StartProxyServerAsync();
        await using var client = await Socks5TestClient.OpenAsync(server.Host.Proxy!.EndPoint!);
        await client.SendAsync(greeting);
        Assert.Equal(expected, await client.ReadToEndAsync());
    }

    [Theory]
    [InlineData(2, 3, 7)] // BIND: command not supported
    [InlineData(1, 1, 8)] // IPv4 address: address type not supported
    public async Task A_request_other_than_connect_to_a_domain_name_gets_its_failure_code(byte command, byte addressType, byte status)
    {
        await using var server = await StartProxyServerAsync();
        await using var client = await Socks5TestClient.OpenAsync(server.Host.Proxy!.EndPoint!);
        await client.SendAsync((byte[])[5, 1, 0]);
        Assert.Equal([5, 0], await client.ReadExactlyAsync(2));
        var request = addressType == 3 ? Socks5TestClient.Request(Address, command) : [5, command, 0, 1, 127, 0, 0, 1, 0, 80];
        await client.SendAsync(request);
        var reply = await client.ReadToEndAsync();
        Assert.Equal(5, reply[0]);
        Assert.Equal(status, reply[1]);
        Assert.Equal(0, server.Host.Proxy.Transfers);
    }

    [Theory]
    [InlineData("example.org")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("0123456789abcdef0123456789abcdef012345678")]
    public async Task A_destination_that_is_not_a_sha1_address_is_refused(string address)
    {
        await using var server = await StartProxyServerAsync();
        await using var client = await Socks5TestClient.OpenAsync(server.Host.Proxy!.EndPoint!);
        await client.SendAsync((byte[])[5, 1, 0]);
        Assert.Equal([5, 0], await client.ReadExactlyAsync(2));
        Assert.Equal(4, await client.RequestAsync(address)); // host unreachable
        Assert.True(await client.IsClosedByPeerAsync());
        Assert.Equal(0, server.Host.Proxy.Transfers);
    }

    [Fact]
    public async Task Garbage_after_a_greeting_is_refused_and_the_relay_keeps_serving()
    {
        await using var server = await StartProxyServerAsync();
        var proxy = server.Host.Proxy!.EndPoint!;
        await using (var client = await Socks5TestClient.OpenAsync(proxy))
        {
            await client.SendAsync((byte[])[5, 1, 0, 9, 9, 9, 9, 9, 9, 9]);
            Assert.True(await client.IsClosedByPeerAsync());
        }

        var (good, status) = await Socks5TestClient.ConnectAsync(proxy, Address);
        await using (good)
        {
            Assert.Equal(0, status);
        }
    }
}
