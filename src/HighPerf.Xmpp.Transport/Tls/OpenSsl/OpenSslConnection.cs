using System.Runtime.InteropServices;
using System.Text;
using DotNetty.Buffers;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// One server-side TLS connection: an <c>SSL</c> over a <see cref="ChannelBio"/>. Encrypted input is lent for
/// the duration of one call (<see cref="SetInbound"/>); encrypted output accumulates in one pooled buffer taken
/// with <see cref="TakeOutbound"/>. Between calls it holds no buffer of its own, and with
/// <c>SSL_MODE_RELEASE_BUFFERS</c> OpenSSL holds none either unless a record is half received.
/// Not thread-safe: every call comes from the channel's event loop.
/// </summary>
internal sealed unsafe partial class OpenSslConnection : IDisposable
{
    // Upper bound of TLS record overhead per 16 KiB record (header, explicit IV, MAC/tag, CBC padding),
    // used to size the encrypted buffer once per write.
    private const int RecordOverhead = 96;
    private const int MaxRecordPlaintext = 16384;
    private const int MinPlaintextBuffer = 256;
    private const int MinOutboundBuffer = 512;

    private readonly SafeSslHandle _ssl;
    private readonly IntPtr _sslPtr;
    private readonly IByteBufferAllocator _allocator;
    private IByteBuffer? _inbound;
    private IByteBuffer? _outbound;
    private Exception? _bioException;
    private static long _liveCount;
    private bool _disposed;

    public OpenSslConnection(SafeSslContextHandle context, bool directTls, IByteBufferAllocator allocator)
    {
        _allocator = allocator;
        _ssl = SafeSslHandle.Create(context);
        _sslPtr = _ssl.DangerousGetHandle();
        LibSsl.SSL_set_accept_state(_sslPtr);
        if (directTls)
        {
            // App data slot 0 marks direct TLS (XEP-0368) for the ALPN callback; unset on STARTTLS connections.
            if (LibSsl.SSL_set_ex_data(_sslPtr, 0, 1) != 1)
            {
                _ssl.Dispose();
                OpenSslError.Throw("SSL_set_ex_data");
            }
        }

        using var bio = ChannelBio.Create();
        bio.TransferTo(_ssl);
        Interlocked.Increment(ref _liveCount);
    }

    /// <summary>Connections whose <c>SSL</c> is not yet freed, process-wide (tests and metrics).</summary>
    public static long LiveCount => Interlocked.Read(ref _liveCount);

    public bool IsHandshakeComplete { get; private set; }

    public bool IsDisposed => _disposed;

    /// <summary>Why the last step failed, in OpenSSL's words.</summary>
    public string? LastError { get; private set; }

    // The session facts below are read from the live SSL when asked (diagnostics and tests) and copied into strings
    // only when the SSL is freed: an SNI name kept per connection would cost ~50 bytes per idle session. Read them on
    // the connection's event loop, or from elsewhere only while the connection stays open (the SSL must not be freed
    // under the read).
    private ClosedFacts? _closedFacts;

    /// <summary>"TLSv1.3" or "TLSv1.2" once the handshake is complete.</summary>
    public string? Protocol => !IsHandshakeComplete ? null : _disposed ? _closedFacts?.Protocol : LibSsl.SSL_version(_sslPtr) switch
    {
        LibSsl.TLS1_3_VERSION => "TLSv1.3",
        LibSsl.TLS1_2_VERSION => "TLSv1.2",
        var other => $"0x{other:x4}",
    };

    /// <summary>The ALPN protocol selected ("xmpp-client" on direct TLS), or null.</summary>
    public string? ApplicationProtocol
    {
        get
        {
            if (!IsHandshakeComplete || _disposed)
            {
                return _closedFacts?.ApplicationProtocol;
            }

            byte* alpn;
            uint alpnLength;
            LibSsl.SSL_get0_alpn_selected(_sslPtr, &alpn, &alpnLength);
            return alpnLength == 0 ? null : Encoding.ASCII.GetString(alpn, (int)alpnLength);
        }
    }

    /// <summary>The SNI host name the client asked for, or null.</summary>
    public string? ServerName
    {
        get
        {
            if (!IsHandshakeComplete || _disposed)
            {
                return _closedFacts?.ServerName;
            }

            var name = LibSsl.SSL_get_servername(_sslPtr, LibSsl.TLSEXT_NAMETYPE_host_name);
            return name == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(name);
        }
    }

    /// <summary>Lends encrypted input to the following calls; the caller keeps ownership.</summary>
    public void SetInbound(IByteBuffer? encrypted) => _inbound = encrypted;

    /// <summary>The encrypted bytes produced so far (ownership passes to the caller), or null.</summary>
    public IByteBuffer? TakeOutbound()
    {
        var outbound = _outbound;
        _outbound = null;
        if (outbound is not null && !outbound.IsReadable())
        {
            outbound.Release();
            return null;
        }

        return outbound;
    }

    internal int OnBioRead(Span<byte> destination)
        => _inbound is null ? 0 : ByteBufferMemory.Read(_inbound, destination);

    internal int OnBioWrite(ReadOnlySpan<byte> source)
    {
        _outbound ??= _allocator.Buffer(Math.Max(source.Length, MinOutboundBuffer));
        ByteBufferMemory.Write(_outbound, source);
        return source.Length;
    }

    internal void OnBioException(Exception exception) => _bioException ??= exception;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (IsHandshakeComplete)
        {
            _closedFacts = new ClosedFacts(Protocol, ApplicationProtocol, ServerName);
        }

        _disposed = true;
        _inbound = null;
        _outbound?.Release();
        _outbound = null;
        _ssl.Dispose();
        Interlocked.Decrement(ref _liveCount);
    }

    private sealed record ClosedFacts(string? Protocol, string? ApplicationProtocol, string? ServerName);
}
