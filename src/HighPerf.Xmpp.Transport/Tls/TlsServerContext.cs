using System.Diagnostics.CodeAnalysis;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>
/// The server's TLS state for one certificate set, shared by all connections and thread-safe: makes one
/// handler per connection (<see cref="CreateHandler"/>) and swaps certificates atomically (<see cref="Reload"/>).
/// </summary>
public sealed class TlsServerContext : IDisposable
{
    private readonly TlsServerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private OpenSslCertificateSet? _openSsl;
    private ManagedCertificateSet? _managed;
    private bool _disposed;

    private TlsServerContext(TlsEngine engine, TlsServerOptions options, ILogger logger)
    {
        Engine = engine;
        _options = options;
        _logger = logger;
    }

    /// <summary>The engine in use: <see cref="TlsEngine.OpenSsl"/> or <see cref="TlsEngine.Managed"/>, never Auto.</summary>
    public TlsEngine Engine { get; }

    /// <summary>
    /// Loads the certificates (the first is the default when SNI names no served domain) and picks the engine.
    /// Throws on unreadable or mismatched files, and for <see cref="TlsEngine.OpenSsl"/> when libssl.so.3 is missing.
    /// </summary>
    public static TlsServerContext Create(IReadOnlyList<TlsCertificateFiles> certificates, TlsServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentOutOfRangeException.ThrowIfZero(certificates.Count);
        options ??= new TlsServerOptions();
        logger ??= NullLogger.Instance;

        var engine = ResolveEngine(options.Engine, logger);
        var context = new TlsServerContext(engine, options, logger);
        context.Load(certificates);
        return context;
    }

    /// <summary>
    /// A new handler for one connection: insert it first in the pipeline at accept on the direct TLS port
    /// (<paramref name="directTls"/>: ALPN xmpp-client, XEP-0368) or right after writing &lt;proceed/&gt;.
    /// </summary>
    /// <remarks>
    /// DotNetty reflects on a handler's public methods to decide which events to skip; the dependency keeps
    /// their metadata under trimming and Native AOT.
    /// </remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicMethods, typeof(OpenSslTlsHandler))]
    public IChannelHandler CreateHandler(bool directTls)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Engine == TlsEngine.OpenSsl
            ? new OpenSslTlsHandler(this, directTls, _logger)
            : Volatile.Read(ref _managed)!.CreateHandler();
    }

    /// <summary>
    /// Loads a new certificate set for connections accepted from now on; existing ones keep theirs, which is
    /// freed with the last of them. On failure the old set stays in use and the exception says why.
    /// </summary>
    public void Reload(IReadOnlyList<TlsCertificateFiles> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Load(certificates);
        TlsLog.Reloaded(_logger, certificates);
    }

    public void Dispose()
    {
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Interlocked.Exchange(ref _openSsl, null)?.Release();
            _managed = null;
        }
    }

    /// <summary>A reference to the current OpenSSL certificate set, for one connection (released by its handler).</summary>
    internal OpenSslCertificateSet AcquireOpenSsl()
    {
        // A reload may free the set between the read and the acquire: read again then.
        for (var attempt = 0; ; attempt++)
        {
            var set = Volatile.Read(ref _openSsl) ?? throw new ObjectDisposedException(nameof(TlsServerContext));
            if (set.TryAcquire())
            {
                return set;
            }

            if (attempt > 1000)
            {
                throw new InvalidOperationException("TLS certificate set kept changing during acquisition");
            }
        }
    }

    private static TlsEngine ResolveEngine(TlsEngine requested, ILogger logger)
    {
        if (requested == TlsEngine.Managed)
        {
            TlsLog.EngineSelected(logger, TlsEngine.Managed, "configured");
            return TlsEngine.Managed;
        }

        if (OpenSslLibrary.UnavailableReason is { } reason)
        {
            if (requested == TlsEngine.OpenSsl)
            {
                throw new OpenSslException($"tls.engine is openssl but {reason}");
            }

            TlsLog.ManagedFallback(logger, reason);
            return TlsEngine.Managed;
        }

        TlsLog.EngineSelected(logger, TlsEngine.OpenSsl, $"OpenSSL {OpenSslLibrary.Version}");
        return TlsEngine.OpenSsl;
    }

    private void Load(IReadOnlyList<TlsCertificateFiles> certificates)
    {
        lock (_reloadLock)
        {
            if (Engine == TlsEngine.OpenSsl)
            {
                var loaded = OpenSslCertificateSet.Load(certificates, _options);
                Interlocked.Exchange(ref _openSsl, loaded)?.Release();
            }
            else
            {
                Volatile.Write(ref _managed, ManagedCertificateSet.Load(certificates, _options));
            }
        }
    }
}
