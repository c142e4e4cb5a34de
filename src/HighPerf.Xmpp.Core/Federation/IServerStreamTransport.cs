using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>What an s2s stream needs from its connection beyond a c2s one: client-side TLS for streams we open,
/// and the peer certificate's verdict for a domain (RFC 6125 against the system trust store and configured CAs).</summary>
public interface IServerStreamTransport : ISessionTransport
{
    /// <summary>Session loop only. Starts TLS as the client once &lt;proceed/&gt; was read, asking for
    /// <paramref name="remoteDomain"/> by SNI and presenting our certificate for <paramref name="localDomain"/>.</summary>
    void StartTlsClient(string localDomain, string remoteDomain);

    /// <summary>True when TLS is on and the peer's certificate chains to a trusted root and names <paramref name="domain"/>.</summary>
    bool PeerCertificateVerifiesFor(string domain);

    /// <summary>Thread-safe. Closes the connection without another byte (after a failed handshake or a timeout).</summary>
    void Abort(string reason);
}
