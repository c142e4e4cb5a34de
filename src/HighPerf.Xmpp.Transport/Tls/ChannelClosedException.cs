namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>A write or handshake could not finish because the TLS channel closed first.</summary>
public sealed class ChannelClosedException : Exception
{
    public ChannelClosedException()
    {
    }

    public ChannelClosedException(string message)
        : base(message)
    {
    }

    public ChannelClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
