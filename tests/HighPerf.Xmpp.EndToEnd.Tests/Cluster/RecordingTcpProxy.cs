using System.Net;
using System.Net.Sockets;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// A TCP forwarder on 127.0.0.1 between two nodes that keeps a copy of every byte passing through (both
/// directions): what an observer on the network between them sees. The target is set once the node behind it
/// listens; connections accepted before that are closed. <see cref="Cut"/> plays a network cut.
/// </summary>
internal sealed class RecordingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _seen = new();
    private readonly Lock _seenLock = new();
    private readonly List<Task> _pumps = [];
    private readonly List<Socket> _open = [];
    private readonly Task _accepting;

    public RecordingTcpProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public IPEndPoint? Target { get; set; }

    /// <summary>
    /// A network cut: every forwarded connection is closed and new ones are refused until <see cref="Target"/> is set
    /// again (the caller keeps it).
    /// </summary>
    public void Cut()
    {
        Target = null;
        lock (_pumps)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Connections forwarded so far.</summary>
    public int Connections { get; private set; }

    /// <summary>A copy of every byte forwarded so far, both directions interleaved.</summary>
    public byte[] Seen()
    {
        lock (_seenLock)
        {
            return _seen.ToArray();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Target is not { } target)
            {
                accepted.Dispose();
                continue;
            }

            var outgoing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await outgoing.ConnectAsync(target, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                accepted.Dispose();
                outgoing.Dispose();
                continue;
            }

            Connections++;
            lock (_pumps)
            {
                _open.Add(accepted);
                _open.Add(outgoing);
                _pumps.Add(PumpAsync(accepted, outgoing));
                _pumps.Add(PumpAsync(outgoing, accepted));
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                lock (_seenLock)
                {
                    _seen.Write(buffer, 0, n);
                }

                await to.SendAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            // Either side closing closes both: the nodes see the link end as they would without the proxy.
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps);
        _stop.Dispose();
        _seen.Dispose();
    }
}
