using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HighPerf.FileTransfer;

/// <summary>Moving N bytes: socket to socket, and the throughput of it.</summary>
internal static class Transfers
{
    private const int Chunk = 64 * 1024;

    /// <summary>Sends <paramref name="bytes"/> from one socket and reads them on the other; returns the seconds taken.</summary>
    public static async Task<double> PumpAsync(Socket from, Socket to, long bytes)
    {
        var started = Stopwatch.StartNew();
        var send = Task.Run(async () =>
        {
            var buffer = new byte[Chunk];
            Random.Shared.NextBytes(buffer);
            for (long sent = 0; sent < bytes; sent += Chunk)
            {
                await from.SendAsync(buffer.AsMemory(0, (int)Math.Min(Chunk, bytes - sent)));
            }

            from.Shutdown(SocketShutdown.Send);
        });
        var buffer = new byte[Chunk];
        long received = 0;
        int read;
        while ((read = await to.ReceiveAsync(buffer)) > 0)
        {
            received += read;
        }

        await send;
        if (received != bytes)
        {
            throw new IOException($"{received} bytes arrived, not {bytes}.");
        }

        return started.Elapsed.TotalSeconds;
    }

    /// <summary>The baseline: the same transfer over one direct loopback connection.</summary>
    public static async Task<double> DirectAsync(long bytes)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
        using var server = await accept;
        return await PumpAsync(client, server, bytes);
    }

    /// <summary>The upload baseline: the bytes written to a local file and flushed to disk.</summary>
    public static async Task<double> DiskAsync(string folder, long bytes)
    {
        var path = Path.Combine(folder, "baseline.bin");
        var buffer = new byte[Chunk];
        Random.Shared.NextBytes(buffer);
        var started = Stopwatch.StartNew();
        await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 0, Options = FileOptions.Asynchronous, PreallocationSize = bytes }))
        {
            for (long written = 0; written < bytes; written += Chunk)
            {
                await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(Chunk, bytes - written)));
            }

            file.Flush(flushToDisk: true);
        }

        var seconds = started.Elapsed.TotalSeconds;
        File.Delete(path);
        return seconds;
    }
}
