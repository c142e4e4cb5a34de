using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace HighPerf.Xmpp.Server.Control;

/// <summary>The CLI's side of the control socket: one request, one reply.</summary>
internal static class ControlClient
{
    /// <summary>Sends the command to the server listening on <paramref name="path"/>; null when no server listens there.</summary>
    public static async Task<ControlReply?> TrySendAsync(string path, string command, params string[] args)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return null; // a socket file left by a server that is gone
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = JsonSerializer.Serialize(new ControlRequest { Command = command, Args = [.. args] }, ControlJsonContext.Default.ControlRequest);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request + "\n")).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().ConfigureAwait(false);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || !int.TryParse(text.AsSpan(0, newline), out var code))
        {
            return new ControlReply(1, $"unexpected reply from the server: {text}");
        }

        return new ControlReply(code, text[(newline + 1)..]);
    }
}
