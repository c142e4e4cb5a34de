using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HighPerf.FileTransfer;

/// <summary>The client half of XEP-0065's SOCKS5: no authentication, CONNECT to the destination address.</summary>
internal static class Socks5
{
    public static async Task<Socket> ConnectAsync(IPEndPoint proxy, string address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(proxy);
        var request = Encoding.ASCII.GetBytes(address);
        byte[] hello = [5, 1, 0, 5, 1, 0, 3, (byte)request.Length, .. request, 0, 0];
        await socket.SendAsync(hello);
        var reply = new byte[2 + 7 + request.Length];
        var read = 0;
        while (read < reply.Length)
        {
            var n = await socket.ReceiveAsync(reply.AsMemory(read));
            if (n == 0)
            {
                throw new IOException("The proxy closed the connection during the handshake.");
            }

            read += n;
        }

        if (reply[1] != 0 || reply[3] != 0)
        {
            throw new IOException($"The proxy refused: method {reply[1]}, status {reply[3]}.");
        }

        return socket;
    }
}
