using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>Log messages of the SOCKS5 relay (event ids 2100-).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(2100, LogLevel.Information, "Listening for SOCKS5 bytestreams (XEP-0065) on {EndPoint}, announced as {Host}:{Port}")]
    public static partial void Listening(ILogger logger, string endPoint, string host, int port);

    [LoggerMessage(2101, LogLevel.Debug, "SOCKS5 connection from {Remote} refused: {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(2102, LogLevel.Debug, "SOCKS5 connection from {Remote} failed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(2103, LogLevel.Information, "Bytestream {Address} activated")]
    public static partial void Activated(ILogger logger, string address);

    [LoggerMessage(2104, LogLevel.Information, "Bytestream {Address} ended after {Bytes} bytes, {DurationMs} ms")]
    public static partial void Ended(ILogger logger, string address, long bytes, long durationMs);

    [LoggerMessage(2105, LogLevel.Information, "SOCKS5 connection from {Remote} closed: idle for {Seconds} s")]
    public static partial void IdleClosed(ILogger logger, string remote, int seconds);

    [LoggerMessage(2106, LogLevel.Information, "SOCKS5 connection from {Remote} refused at accept: {Limit} connections open")]
    public static partial void Refused(ILogger logger, string remote, int limit);
}
