using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Hosting;

/// <summary>Log messages of the transport, with fixed event ids.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(2000, LogLevel.Information, "Listening for c2s on {EndPoint} ({Mode})")]
    public static partial void Listening(ILogger logger, string endPoint, string mode);

    /// <summary>Debug: at Information the close line (2002) tells the whole connection, one line per connection.</summary>
    [LoggerMessage(2001, LogLevel.Debug, "Connection from {Remote} opened on {Listener}")]
    public static partial void ConnectionOpened(ILogger logger, string remote, string listener);

    [LoggerMessage(2002, LogLevel.Information, "Connection from {Remote} on {Listener} closed ({Reason}); user {Jid}, {DurationMs} ms")]
    public static partial void ConnectionClosed(ILogger logger, string remote, string listener, string reason, string jid, long durationMs);

    [LoggerMessage(2003, LogLevel.Debug, "Connection from {Remote} failed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Connection from {Remote} closed: its outbound queue exceeded {Limit} bytes")]
    public static partial void SlowReader(ILogger logger, string remote, long limit);

    [LoggerMessage(2005, LogLevel.Debug, "TLS handshake with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(2006, LogLevel.Information, "Connection from {Remote} timed out before authenticating")]
    public static partial void AuthTimeout(ILogger logger, string remote);

    [LoggerMessage(2007, LogLevel.Error, "Connection from {Remote} closed with internal-server-error: handling its input failed")]
    public static partial void SessionFault(ILogger logger, string remote, Exception exception);

    [LoggerMessage(2009, LogLevel.Information, "Connection from {Remote} on {Listener} refused: {Limit} connection limit reached")]
    public static partial void ConnectionRefused(ILogger logger, string remote, string listener, string limit);

    [LoggerMessage(2010, LogLevel.Debug, "Connection from {Remote}: reading paused (over {Rate} bytes/s)")]
    public static partial void InboundPaused(ILogger logger, string remote, int rate);

    [LoggerMessage(2008, LogLevel.Information, "Stopping: telling {Count} connections the server shuts down")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(2011, LogLevel.Warning, "{Owner}: event loops did not terminate within {Milliseconds} ms of their shutdown (DotNetty shutdown livelock); left behind, the stop goes on")]
    public static partial void EventLoopsLeftBehind(ILogger logger, string owner, int milliseconds);
}
