using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace HighPerf.LoadGen;

/// <summary>
/// One client connection: a socket bound to a chosen 127.0.0.x source address, optionally wrapped in SslStream
/// after STARTTLS, a growable receive buffer cut into top-level elements by <see cref="XmlSplitter"/>. Reads
/// happen on one task at a time; writes are serialized by a gate so the pacer and the receive loop (iq replies)
/// can both send. Sends and receives are ValueTask-based and allocate nothing per stanza.
/// </summary>
internal sealed partial class XmppClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private SslStream? _tls;
    private byte[] _rx = new byte[2048];
    private int _rxEnd;
    private int _scan;
    private XmlSplitter _splitter;

    private XmppClient(Socket socket)
    {
        _socket = socket;
        _splitter.Reset();
    }

    public int Index { get; init; }

    /// <summary>The full JID the server bound (UTF-8), once bound.</summary>
    public byte[] FullJid { get; private set; } = [];

    public bool Closed { get; private set; }

    /// <summary>roster-provision: how to answer subscription requests; null elsewhere (plain approval).</summary>
    public RosterRing? Ring { get; set; }

    public static async Task<XmppClient> ConnectAsync(IPAddress source, IPEndPoint server, int index, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, cancel).ConfigureAwait(false);
            return new XmppClient(socket) { Index = index };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancel = default)
    {
        await _sendGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (_tls is not null)
            {
                await _tls.WriteAsync(bytes, cancel).ConfigureAwait(false);
                return;
            }

            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancel).ConfigureAwait(false);
                bytes = bytes[sent..];
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Waits for the next stream header, element or stream end. The element's bytes are valid until the next call.</summary>
    public async ValueTask<(XmlSplitter.Unit Unit, int Start, int Length)> NextAsync(CancellationToken cancel = default)
    {
        while (true)
        {
            var unit = _splitter.Next(_rx.AsSpan(0, _rxEnd), ref _scan, out var start, out var end);
            if (unit != XmlSplitter.Unit.None)
            {
                return (unit, start, end - start);
            }

            if (!await ReceiveMoreAsync(cancel).ConfigureAwait(false))
            {
                Closed = true;
                return (XmlSplitter.Unit.StreamEnd, 0, 0);
            }
        }
    }

    public ReadOnlySpan<byte> Bytes(int start, int length) => _rx.AsSpan(start, length);

    private async ValueTask<bool> ReceiveMoreAsync(CancellationToken cancel)
    {
        Compact();
        if (_rxEnd == _rx.Length)
        {
            Array.Resize(ref _rx, _rx.Length * 2);
        }

        var memory = _rx.AsMemory(_rxEnd);
        var read = _tls is not null
            ? await _tls.ReadAsync(memory, cancel).ConfigureAwait(false)
            : await _socket.ReceiveAsync(memory, SocketFlags.None, cancel).ConfigureAwait(false);
        _rxEnd += read;
        return read > 0;
    }

    /// <summary>Moves the bytes still needed (an unfinished element) to the front of the buffer.</summary>
    private void Compact()
    {
        var keep = _splitter.Pinned(_scan);
        if (keep == 0)
        {
            return;
        }

        _rx.AsSpan(keep, _rxEnd - keep).CopyTo(_rx);
        _rxEnd -= keep;
        _scan -= keep;
        _splitter.Shift(keep);
    }

    /// <summary>After &lt;proceed/&gt;: TLS over the same socket, any certificate accepted (loopback benchmarks).</summary>
    private async Task StartTlsAsync(string domain, string? version, CancellationToken cancel)
    {
        var tls = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = domain,
            EnabledSslProtocols = version switch
            {
                "1.2" => SslProtocols.Tls12,
                "1.3" => SslProtocols.Tls13,
                _ => SslProtocols.None,
            },
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        }, cancel).ConfigureAwait(false);
        _tls = tls;
        RestartStream();
    }

    private void RestartStream()
    {
        _splitter.Reset();
        _rxEnd = 0;
        _scan = 0;
    }

    /// <summary>Drops the connection as a phone losing its network does: a reset, no closing tag.</summary>
    public void Abort()
    {
        Closed = true;
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Closed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        if (_tls is not null)
        {
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
        _sendGate.Dispose();
    }
}
