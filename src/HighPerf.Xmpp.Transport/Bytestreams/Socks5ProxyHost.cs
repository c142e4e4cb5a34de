using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DotNetty.Buffers;
using DotNetty.Transport.Bootstrapping;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Sockets;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Transport.Hosting;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// The XEP-0065 SOCKS5 relay on DotNetty: it pairs the two connections that ask for the same SHA-1 destination
/// address, activates them when the proxy module says the initiator asked, and relays bytes between them (see
/// <see cref="ProxyConnection"/>). Limits: bytestreams at once, bytes per second per bytestream, an idle timeout
/// for every connection (handshake, waiting and relaying alike), and a connection cap of two per bytestream plus
/// a margin for handshakes in progress.
/// </summary>
public sealed class Socks5ProxyHost : IBytestreamRelay, IAsyncDisposable
{
    private static readonly TimeSpan LoopShutdownTimeout = TimeSpan.FromMilliseconds(250);

    private readonly MultithreadEventLoopGroup _bossGroup = new(1);
    private readonly MultithreadEventLoopGroup _workerGroup;
    private readonly ConcurrentDictionary<ProxyConnection, byte> _connections = new();
    private readonly Dictionary<string, Bytestream> _streams = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly int _maxConnections;
    private IChannel? _listener;
    private Timer? _sweeper;
    private int _connectionCount;
    private int _activeCount;
    private bool _stopped;

    public Socks5ProxyHost(Socks5ProxyOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Options = options;
        Logger = loggerFactory.CreateLogger("HighPerf.Xmpp.Proxy65");
        _workerGroup = new MultithreadEventLoopGroup(options.EventLoopThreads > 0 ? options.EventLoopThreads : Environment.ProcessorCount);
        _maxConnections = (2 * options.MaxTransfers) + 32;
        Host = options.AdvertisedHost ?? options.Listen.Address.ToString();
    }

    public Socks5ProxyOptions Options { get; }

    public ProxyStats Stats { get; } = new();

    /// <summary>The bound address (port 0 in the options becomes the chosen port).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public string Host { get; }

    public int Port => Options.AdvertisedPort > 0 ? Options.AdvertisedPort : EndPoint?.Port ?? 0;

    /// <summary>Bytestreams in the rendezvous (waiting for a party, waiting for activation, or relaying).</summary>
    public int Transfers
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>Bytestreams relaying now.</summary>
    public int ActiveTransfers => Volatile.Read(ref _activeCount);

    /// <summary>Open connections.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    internal ILogger Logger { get; }

    public async Task StartAsync()
    {
        var bootstrap = new ServerBootstrap()
            .Group(_bossGroup, _workerGroup)
            .Channel<TcpServerSocketChannel>()
            .Option(ChannelOption.SoBacklog, 256)
            .Option(ChannelOption.SoReuseaddr, true)
            .ChildOption(ChannelOption.TcpNodelay, true)
            .ChildOption(ChannelOption.Allocator, PooledByteBufferAllocator.Default)
            .ChildOption(ChannelOption.WriteBufferHighWaterMark, Options.WriteBufferHighWaterMark)
            .ChildOption(ChannelOption.WriteBufferLowWaterMark, Options.WriteBufferLowWaterMark)
            .ChildHandler(new ProxyChannelInitializer(this));
        try
        {
            _listener = await bootstrap.BindAsync(Options.Listen).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException || ex.InnerException is SocketException)
        {
            await StopLoopsAsync().ConfigureAwait(false);
            var reason = ex is SocketException ? ex.Message : ex.InnerException!.Message;
            throw new IOException($"Cannot listen for SOCKS5 bytestreams on {Options.Listen}: {reason}", ex);
        }

        var endPoint = (IPEndPoint)_listener.LocalAddress;
        EndPoint = endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
        var period = TimeSpan.FromTicks(Math.Clamp(Options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond * 5));
        _sweeper = new Timer(static state => ((Socks5ProxyHost)state!).CloseIdle(), this, period, period);
        ProxyLog.Listening(Logger, EndPoint.ToString(), Host, Port);
    }

    public BytestreamActivation Activate(ReadOnlySpan<byte> destinationAddress)
    {
        if (!Socks5Parser.IsDestinationAddress(destinationAddress))
        {
            return BytestreamActivation.UnknownAddress;
        }

        var key = System.Text.Encoding.ASCII.GetString(destinationAddress).ToLowerInvariant();
        lock (_gate)
        {
            if (!_streams.TryGetValue(key, out var stream))
            {
                return BytestreamActivation.UnknownAddress;
            }

            if (stream.IsActive)
            {
                return BytestreamActivation.AlreadyActive;
            }

            if (!stream.IsPaired)
            {
                return BytestreamActivation.OnePartyOnly;
            }

            stream.IsActive = true;
            stream.ActivatedAt = Stopwatch.GetTimestamp();
            stream.Touch();
            Interlocked.Increment(ref _activeCount);
            stream.First!.Activate();
            stream.Second!.Activate();
        }

        ProxyLog.Activated(Logger, key);
        return BytestreamActivation.Activated;
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }

        if (_listener is not null)
        {
            await _listener.CloseAsync().ConfigureAwait(false);
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        await StopLoopsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    internal bool TryAdmit(string remote)
    {
        if (Interlocked.Increment(ref _connectionCount) > _maxConnections)
        {
            Interlocked.Decrement(ref _connectionCount);
            Interlocked.Increment(ref Stats.ConnectionsRefusedField);
            ProxyLog.Refused(Logger, remote, _maxConnections);
            return false;
        }

        return true;
    }

    internal void Opened(ProxyConnection connection) => _connections.TryAdd(connection, 0);

    /// <summary>Puts <paramref name="connection"/> into the bytestream for <paramref name="address"/>.</summary>
    internal JoinResult Join(string address, ProxyConnection connection, out Bytestream? stream)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(address, out stream))
            {
                if (stream.IsPaired || stream.IsActive)
                {
                    stream = null;
                    return JoinResult.Taken;
                }

                stream.Second = connection;
                stream.Touch();
                return JoinResult.Joined;
            }

            if (_streams.Count >= Options.MaxTransfers)
            {
                Interlocked.Increment(ref Stats.ConnectionsRefusedField);
                return JoinResult.Full;
            }

            stream = new Bytestream(address, connection, Options.MaxBytesPerSecond);
            _streams.Add(address, stream);
            return JoinResult.Joined;
        }
    }

    /// <summary>A connection closed: its bytestream ends, and the other side closes once what it was sent went out.</summary>
    internal void Closed(ProxyConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            Interlocked.Decrement(ref _connectionCount);
        }

        var stream = connection.Stream;
        if (stream is null)
        {
            return;
        }

        ProxyConnection? other;
        bool wasActive;
        lock (_gate)
        {
            if (stream.IsEnded)
            {
                return;
            }

            stream.IsEnded = true;
            _streams.Remove(stream.Address);
            other = stream.PeerOf(connection);
            wasActive = stream.IsActive;
            if (wasActive)
            {
                Interlocked.Decrement(ref _activeCount);
            }
        }

        if (wasActive)
        {
            Interlocked.Increment(ref Stats.TransfersCompletedField);
            var duration = (long)Stopwatch.GetElapsedTime(stream.ActivatedAt).TotalMilliseconds;
            ProxyLog.Ended(Logger, stream.Address, stream.Relayed, duration);
            other?.CloseAfterFlush();
        }
        else
        {
            // Before activation the other side has nothing of this one's to deliver.
            other?.Close();
        }
    }

    private void CloseIdle()
    {
        var limit = Stopwatch.GetTimestamp() - (long)(Options.IdleTimeout.TotalSeconds * Stopwatch.Frequency);
        foreach (var connection in _connections.Keys)
        {
            if (connection.LastActivity < limit)
            {
                ProxyLog.IdleClosed(Logger, connection.Remote, (int)Options.IdleTimeout.TotalSeconds);
                connection.Close();
            }
        }
    }

    private Task<bool> StopLoopsAsync() => EventLoopShutdown.ShutdownAsync(Logger, "proxy65", LoopShutdownTimeout, _workerGroup, _bossGroup);
}
