using System.Net;
using System.Text;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Transport.Bytestreams;
using HighPerf.Xmpp.Transport.Tests.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace HighPerf.Xmpp.Transport.Tests.Bytestreams;

/// <summary>The relay's connection handler in EmbeddedChannels (no sockets), with every buffer tracked.</summary>
public sealed class ProxyConnectionTests : IAsyncLifetime
{
    private static readonly string Address = new('c', 40);
    private readonly TrackingAllocator _allocator = new();
    private readonly Socks5ProxyHost _host = new(new Socks5ProxyOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), EventLoopThreads = 1 }, NullLoggerFactory.Instance);

    [Fact]
    public async Task A_handshake_split_at_every_byte_is_answered_and_every_buffer_is_released()
    {
        var channel = Connect();
        Feed(channel, [5, 2, 0, 2], split: true);
        Assert.Equal([5, 0], Drain(channel));
        Feed(channel, Request(Address), split: true);
        var reply = Drain(channel);
        Assert.Equal([5, 0, 0, 3, 40, .. Encoding.ASCII.GetBytes(Address), 0, 0], reply);
        Assert.False(channel.Configuration.AutoRead); // nothing is read until activation
        Assert.Equal(1, _host.Transfers);

        await channel.CloseAsync();
        Assert.Equal(0, _host.Transfers);
        _allocator.AssertAllReleased();
    }

    [Fact]
    public async Task After_activation_a_read_buffer_is_written_to_the_other_side_as_it_is_without_a_copy()
    {
        var first = Connect();
        var second = Connect();
        Feed(first, [5, 1, 0, .. Request(Address)]);
        Feed(second, [5, 1, 0, .. Request(Address)]);
        Drain(first);
        Drain(second);
        Assert.Equal(BytestreamActivation.Activated, _host.Activate(Encoding.ASCII.GetBytes(Address)));
        first.RunPendingTasks();
        second.RunPendingTasks();
        Assert.True(first.Configuration.AutoRead);

        var payload = _allocator.Buffer(1000);
        payload.WriteBytes(new byte[1000]);
        first.WriteInbound(payload);
        first.Pipeline.FireChannelReadComplete();
        second.RunPendingTasks();
        var relayed = second.ReadOutbound<IByteBuffer>();
        Assert.Same(payload, relayed);
        relayed.Release();

        Assert.Equal(BytestreamActivation.AlreadyActive, _host.Activate(Encoding.ASCII.GetBytes(Address)));
        await first.CloseAsync();
        second.RunPendingTasks();
        Assert.Equal(0, _host.Transfers);
        Assert.Equal(1, _host.Stats.TransfersCompleted);
        _allocator.AssertAllReleased();
    }

    [Theory]
    [InlineData(new byte[] { 5, 1, 0, 5, 1, 0, 1, 127 }, new byte[] { 5, 0, 5, 8, 0, 1, 0, 0, 0, 0, 0, 0 })] // IPv4 address
    [InlineData(new byte[] { 5, 1, 0, 5, 3, 0, 3, 40 }, new byte[] { 5, 0, 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 })] // UDP ASSOCIATE
    [InlineData(new byte[] { 5, 1, 0, 5, 1, 1, 3, 40 }, new byte[] { 5, 0 })] // reserved byte set
    [InlineData(new byte[] { 5, 1, 0, 4, 1 }, new byte[] { 5, 0 })] // SOCKS4 request after a SOCKS5 greeting
    [InlineData(new byte[] { 5, 1, 1 }, new byte[] { 5, 0xFF })] // GSSAPI only
    public async Task A_refused_handshake_gets_its_reply_then_the_connection_closes(byte[] input, byte[] expected)
    {
        var channel = Connect();
        Feed(channel, input);
        Assert.Equal(expected, Drain(channel));

        // The close follows the reply's flush on a continuation.
        for (var i = 0; i < 200 && channel.Active; i++)
        {
            await Task.Delay(10);
            channel.RunPendingTasks();
        }

        Assert.False(channel.Active);
        Assert.Equal(0, _host.Transfers);
        _allocator.AssertAllReleased();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private EmbeddedChannel Connect()
    {
        var channel = new EmbeddedChannel();
        channel.Configuration.Allocator = _allocator;
        channel.Pipeline.AddLast("socks5", new ProxyConnection(_host));
        return channel;
    }

    private static byte[] Request(string address) => [5, 1, 0, 3, (byte)address.Length, .. Encoding.ASCII.GetBytes(address), 0, 0];

    private void Feed(EmbeddedChannel channel, byte[] bytes, bool split = false)
    {
        if (!split)
        {
            var buffer = _allocator.Buffer(bytes.Length);
            buffer.WriteBytes(bytes);
            channel.WriteInbound(buffer);
            return;
        }

        foreach (var b in bytes)
        {
            var buffer = _allocator.Buffer(1);
            buffer.WriteByte(b);
            channel.WriteInbound(buffer);
        }
    }

    private static byte[] Drain(EmbeddedChannel channel)
    {
        var output = new List<byte>();
        while (channel.ReadOutbound<IByteBuffer>() is { } buffer)
        {
            var bytes = new byte[buffer.ReadableBytes];
            buffer.ReadBytes(bytes);
            output.AddRange(bytes);
            buffer.Release();
        }

        return [.. output];
    }
}
