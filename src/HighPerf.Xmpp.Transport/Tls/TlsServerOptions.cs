namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>Server TLS settings beyond the certificates.</summary>
public sealed class TlsServerOptions
{
    public TlsEngine Engine { get; init; } = TlsEngine.Auto;

    /// <summary>
    /// TLS 1.3 session tickets sent after each full handshake (OpenSSL's default is 2; 0 also disables TLS 1.2
    /// tickets). Tickets are stateless: they cost CPU at the handshake, no memory afterwards.
    /// </summary>
    public int SessionTickets { get; init; } = 2;

    /// <summary>False caps connections at TLS 1.2 (for measurements and old-client diagnosis); TLS 1.2 is always the minimum.</summary>
    public bool MaximumTls13 { get; init; } = true;
}
