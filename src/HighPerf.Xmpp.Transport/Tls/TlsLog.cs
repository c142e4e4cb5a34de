using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Tls;

/// <summary>TLS log messages with fixed event ids (1200–1219).</summary>
internal static class TlsLog
{
    private static readonly Action<ILogger, string, string, Exception?> EngineSelectedMessage =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1200, "TlsEngineSelected"), "TLS engine: {Engine} ({Detail})");

    private static readonly Action<ILogger, string, Exception?> ManagedFallbackMessage =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1201, "TlsManagedFallback"), "OpenSSL 3 is not usable ({Reason}); TLS falls back to the managed engine (SslStream), which holds more memory per connection");

    private static readonly Action<ILogger, int, string, Exception?> ReloadedMessage =
        LoggerMessage.Define<int, string>(LogLevel.Information, new EventId(1202, "TlsCertificatesReloaded"), "TLS certificates reloaded for {Count} domain(s): {Domains}");

    private static readonly Action<ILogger, string, string, Exception?> HandshakeFailedMessage =
        LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(1203, "TlsHandshakeFailed"), "TLS handshake failed on {Channel}, closing: {Reason}");

    private static readonly Action<ILogger, string, string, Exception?> ConnectionFailedMessage =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1204, "TlsConnectionFailed"), "TLS error on {Channel}, closing: {Reason}");

    private static readonly Action<ILogger, string, Exception?> CloseNotifyMessage =
        LoggerMessage.Define<string>(LogLevel.Debug, new EventId(1205, "TlsCloseNotify"), "TLS close_notify received on {Channel}, closing");

    public static void EngineSelected(ILogger logger, TlsEngine engine, string detail) => EngineSelectedMessage(logger, engine.ToString(), detail, null);

    public static void ManagedFallback(ILogger logger, string reason) => ManagedFallbackMessage(logger, reason, null);

    public static void Reloaded(ILogger logger, IReadOnlyList<TlsCertificateFiles> certificates)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            ReloadedMessage(logger, certificates.Count, string.Join(", ", certificates.Select(c => c.Domain)), null);
        }
    }

    public static void Failed(ILogger logger, string channel, string reason, bool duringHandshake)
    {
        if (duringHandshake)
        {
            HandshakeFailedMessage(logger, channel, reason, null);
        }
        else
        {
            ConnectionFailedMessage(logger, channel, reason, null);
        }
    }

    public static void CloseNotify(ILogger logger, string channel) => CloseNotifyMessage(logger, channel, null);
}
