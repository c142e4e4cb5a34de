using System.Diagnostics.CodeAnalysis;
using DotNetty.Buffers;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>
/// Server-side TLS for one channel over the system's OpenSSL 3. Encrypted <see cref="IByteBuffer"/>s in,
/// plaintext pooled buffers out (one <c>ChannelRead</c> per batch of decrypted records), and the reverse on write;
/// no Stream in between and nothing held while idle. Fires <see cref="TlsHandshakeCompletionEvent"/> when the
/// handshake ends either way; any TLS error closes the channel with a logged reason, nothing is thrown.
/// </summary>
/// <remarks>
/// Made by <see cref="TlsServerContext.CreateHandler"/>. Works inserted mid-stream (STARTTLS): the <c>SSL</c> is
/// made in <see cref="HandlerAdded"/>, and bytes that arrived with <c>&lt;starttls/&gt;</c> can be re-fired into it.
/// The overrides stay public: DotNetty decides which handler methods to skip by reflecting on them.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The pipeline owns the handler's lifetime: the SSL is freed in ChannelInactive or HandlerRemoved.")]
public sealed partial class OpenSslTlsHandler : ChannelDuplexHandler
{
    private readonly TlsServerContext _owner;
    private readonly bool _directTls;
    private readonly ILogger _logger;
    private OpenSslCertificateSet? _certificates;
    private OpenSslConnection? _connection;
    private Queue<PendingWrite>? _pendingWrites;
    private bool _firedRead;
    private bool _failed;
    private bool _handshakeEventFired;

    internal OpenSslTlsHandler(TlsServerContext owner, bool directTls, ILogger logger)
    {
        _owner = owner;
        _directTls = directTls;
        _logger = logger;
    }

    public bool IsHandshakeComplete => _connection?.IsHandshakeComplete ?? false;

    /// <summary>"TLSv1.3" or "TLSv1.2" after the handshake, while the connection is open.</summary>
    public string? Protocol => _connection?.Protocol;

    /// <summary>The negotiated ALPN protocol ("xmpp-client" on direct TLS when the client offered it), or null;
    /// read from the live connection.</summary>
    public string? ApplicationProtocol => _connection?.ApplicationProtocol;

    /// <summary>The SNI host name the client asked for, or null (the stream header's 'to' is authoritative); read
    /// from the live connection.</summary>
    public string? ServerName => _connection?.ServerName;

    public override void HandlerAdded(IChannelHandlerContext context)
    {
        if (_connection is not null)
        {
            return;
        }

        try
        {
            _certificates = _owner.AcquireOpenSsl();
            _connection = new OpenSslConnection(_certificates.DefaultContext, _directTls, context.Allocator);
        }
        catch (Exception exception)
        {
            Fail(context, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    public override void HandlerRemoved(IChannelHandlerContext context) => Free(new ChannelClosedException("TLS handler removed"));

    public override void ChannelInactive(IChannelHandlerContext context)
    {
        var wasHandshaking = _connection is { IsHandshakeComplete: false };
        Free(new ChannelClosedException("channel closed before TLS finished"));
        if (wasHandshaking && !_handshakeEventFired)
        {
            _handshakeEventFired = true;
            context.FireUserEventTriggered(new TlsHandshakeCompletionEvent(new ChannelClosedException("channel closed during the TLS handshake")));
        }

        context.FireChannelInactive();
    }

    /// <summary>Frees the <c>SSL</c> (exactly once), the certificate set reference and queued writes.</summary>
    private void Free(Exception reason)
    {
        var connection = _connection;
        if (connection is null || connection.IsDisposed)
        {
            FailPendingWrites(reason);
            return;
        }

        connection.Dispose();
        _certificates?.Release();
        _certificates = null;
        FailPendingWrites(reason);
    }

    private void Fail(IChannelHandlerContext context, string reason)
    {
        if (_failed)
        {
            return;
        }

        _failed = true;
        var duringHandshake = _connection is not { IsHandshakeComplete: true };
        TlsLog.Failed(_logger, context.Channel.ToString() ?? "channel", reason, duringHandshake);

        // OpenSSL has usually queued an alert (e.g. protocol_version): send it before closing.
        FlushOutbound(context);
        if (duringHandshake && !_handshakeEventFired)
        {
            _handshakeEventFired = true;
            context.FireUserEventTriggered(new TlsHandshakeCompletionEvent(new OpenSslException(reason)));
        }

        Free(new OpenSslException(reason));
        context.CloseAsync();
    }

    private void FlushOutbound(IChannelHandlerContext context)
    {
        var encrypted = _connection is { IsDisposed: false } connection ? connection.TakeOutbound() : null;
        if (encrypted is not null)
        {
            context.WriteAndFlushAsync(encrypted);
        }
    }
}
