namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>Which TLS implementation serves connections (config key <c>tls.engine</c>).</summary>
public enum TlsEngine
{
    /// <summary>OpenSSL when libssl.so.3 loads, else managed (with a log line saying so).</summary>
    Auto,

    /// <summary>The system's OpenSSL 3 driven directly over pooled buffers (<see cref="OpenSslTlsHandler"/>).</summary>
    OpenSsl,

    /// <summary>.NET's SslStream behind DotNetty's TlsHandler: the fallback.</summary>
    Managed,
}
