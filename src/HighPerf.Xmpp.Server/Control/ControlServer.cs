using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HighPerf.Xmpp.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Control;

/// <summary>
/// The admin control channel of a running server: a Unix domain socket (mode 0600, so only the server's user
/// may connect) that takes one JSON request line per connection and answers with an exit-code line followed
/// by text, then closes. The CLI's admin commands (status, sessions, kick, broadcast, reload) use it, and so do
/// adduser/passwd/deluser while the server holds the store.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private const int MaxRequestBytes = 64 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly ControlCommands _commands;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private ControlServer(Socket socket, string path, ControlCommands commands, ILogger logger)
    {
        _socket = socket;
        Path = path;
        _commands = commands;
        _logger = logger;
        _accepting = AcceptLoopAsync();
    }

    public string Path { get; }

    public static ControlServer Start(string path, ServerHost host, ILogger logger)
    {
        // The store lock was taken before this: a socket file left here is a crashed server's.
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));

            // Before Listen, so nobody can connect while the file still has the umask's mode.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            socket.Listen(16);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"Cannot open the control socket {path}: {ex.Message}", ex);
        }

        ServerLog.ControlListening(logger, path);
        return new ControlServer(socket, path, new ControlCommands(host), logger);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        File.Delete(Path);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            await using var stream = new NetworkStream(client, ownsSocket: false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(RequestTimeout);
            ControlReply reply;
            try
            {
                var line = await ReadLineAsync(stream, timeout.Token).ConfigureAwait(false);
                var request = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
                reply = request is null
                    ? ControlReply.Usage("empty request")
                    : await _commands.RunAsync(request).ConfigureAwait(false);
                if (request is not null)
                {
                    // The command name only: arguments may be passwords.
                    ServerLog.ControlCommand(_logger, request.Command, reply.ExitCode);
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException)
            {
                reply = ControlReply.Usage($"bad request: {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                return;
            }

            try
            {
                var text = reply.Text.Length == 0 || reply.Text.EndsWith('\n') ? reply.Text : reply.Text + "\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"{reply.ExitCode}\n{text}"), timeout.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // The CLI went away: nothing to tell it.
            }
        }
    }

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            var newline = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (newline >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, newline);
            }
        }

        if (length == buffer.Length)
        {
            throw new InvalidDataException($"request longer than {MaxRequestBytes} bytes");
        }

        return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }
}
