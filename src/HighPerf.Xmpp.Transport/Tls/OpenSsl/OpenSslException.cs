namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>An OpenSSL call failed; the message carries OpenSSL's own reason string.</summary>
public sealed class OpenSslException : Exception
{
    public OpenSslException()
    {
    }

    public OpenSslException(string message)
        : base(message)
    {
    }

    public OpenSslException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
