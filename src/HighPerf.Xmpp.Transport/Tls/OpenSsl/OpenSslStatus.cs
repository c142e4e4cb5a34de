namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>Outcome of one step of an <see cref="OpenSslConnection"/>.</summary>
internal enum OpenSslStatus
{
    /// <summary>The step finished (handshake complete, all plaintext written).</summary>
    Done,

    /// <summary>More encrypted input is needed; everything given so far is consumed.</summary>
    WantRead,

    /// <summary>The peer sent close_notify.</summary>
    Closed,

    /// <summary>A TLS error; <see cref="OpenSslConnection.LastError"/> says why. The connection is unusable.</summary>
    Failed,
}
