using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HighPerf.Xmpp.EndToEnd.Tests.FileTransfer;

/// <summary>A SOCKS5 client as XEP-0065 uses it (RFC 1928: no authentication, CONNECT to the destination address, port 0),
/// over a raw socket so that tests can also send what a real client would not.</summary>
internal sealed class Socks5TestClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private Socks5TestClient(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public static async Task<Socks5TestClient> OpenAsync(IPEndPoint proxy, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(proxy);
        return new Socks5TestClient(socket);
    }

    /// <summary>Method selection and CONNECT; returns the reply's status byte.</summary>
    public static async Task<(Socks5TestClient Client, byte Status)> ConnectAsync(IPEndPoint proxy, string destinationAddress, int? receiveBufferSize = null)
    {
        var client = await OpenAsync(proxy, receiveBufferSize);
        await client.SendAsync(new byte[] { 5, 1, 0 });
        var method = await client.ReadExactlyAsync(2);
        Assert.Equal([5, 0], method);
        var status = await client.RequestAsync(destinationAddress);
        return (client, status);
    }

    public static byte[] Request(string address, byte command = 1, byte addressType = 3)
    {
        var bytes = Encoding.ASCII.GetBytes(address);
        return [5, command, 0, addressType, (byte)bytes.Length, .. bytes, 0, 0];
    }

    /// <summary>Sends CONNECT and reads the whole reply (domain-name replies echo the address); returns the status.</summary>
    public async Task<byte> RequestAsync(string address)
    {
        await SendAsync(Request(address));
        var head = await ReadExactlyAsync(5);
        Assert.Equal(5, head[0]);
        var rest = head[3] == 3 ? head[4] + 2 : head[3] == 1 ? 4 + 2 - 1 : 16 + 2 - 1;
        var tail = await ReadExactlyAsync(rest);
        if (head[3] == 3 && head[1] == 0)
        {
            Assert.Equal(address, Encoding.ASCII.GetString(tail, 0, head[4]));
        }

        return head[1];
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await Stream.WriteAsync(bytes, cancel.Token);
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        using var cancel = new CancellationTokenSource(Timeout);
        await Stream.ReadExactlyAsync(buffer, cancel.Token);
        return buffer;
    }

    /// <summary>Reads until the proxy closes the connection (bounded by the timeout).</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        using var all = new MemoryStream();
        await Stream.CopyToAsync(all, cancel.Token);
        return all.ToArray();
    }

    /// <summary>True when the proxy closed the connection within the timeout (reading what it sent before).</summary>
    public async Task<bool> IsClosedByPeerAsync(TimeSpan? timeout = null)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        try
        {
            while (await Stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await Stream.DisposeAsync();
}
