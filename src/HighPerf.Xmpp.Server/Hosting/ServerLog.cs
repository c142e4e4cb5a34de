using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>Log messages of the host, with fixed event ids.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(3000, LogLevel.Information, "Serving {Domains}; data in {DataDirectory}")]
    public static partial void Starting(ILogger logger, string domains, string dataDirectory);

    [LoggerMessage(3001, LogLevel.Information, "Generated a self-signed certificate for {Domain}: {Path}")]
    public static partial void CertificateCreated(ILogger logger, string domain, string path);

    [LoggerMessage(3002, LogLevel.Information, "Certificate for {Domain}: SHA-256 {Fingerprint}")]
    public static partial void CertificateFingerprint(ILogger logger, string domain, string fingerprint);

    [LoggerMessage(3003, LogLevel.Information, "TLS engine: {Engine}")]
    public static partial void TlsEngine(ILogger logger, string engine);

    [LoggerMessage(3004, LogLevel.Information, "Shutting down ({Reason})")]
    public static partial void ShuttingDown(ILogger logger, string reason);

    [LoggerMessage(3005, LogLevel.Information, "Stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(3006, LogLevel.Information, "Modules: {Modules}")]
    public static partial void Modules(ILogger logger, string modules);

    [LoggerMessage(3008, LogLevel.Information, "Control socket {Path}")]
    public static partial void ControlListening(ILogger logger, string path);

    [LoggerMessage(3009, LogLevel.Information, "Control command {Command}: exit {ExitCode}")]
    public static partial void ControlCommand(ILogger logger, string command, int exitCode);

    [LoggerMessage(3010, LogLevel.Information, "Reloaded ({Trigger}): {Summary}")]
    public static partial void Reloaded(ILogger logger, string trigger, string summary);

    [LoggerMessage(3011, LogLevel.Warning, "Reload ({Trigger}) failed: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string trigger, string reason);

    [LoggerMessage(3007, LogLevel.Information, "Metrics on {Url}")]
    public static partial void MetricsListening(ILogger logger, string url);

    // The last line of a start: supervisors and the external test mode wait for it, not for the first listener.
    [LoggerMessage(3012, LogLevel.Information, "Ready")]
    public static partial void Ready(ILogger logger);

    // A stop that hangs says where: an operator (or a test) sees the stage instead of silence until SIGKILL.
    [LoggerMessage(3013, LogLevel.Warning, "Shutdown still waiting after {Seconds} s: {Stage}")]
    public static partial void ShutdownSlow(ILogger logger, int seconds, string stage);

    [LoggerMessage(3017, LogLevel.Error, "Stop: {Step} failed; every write acknowledged before it was already durable, only unacknowledged writes may be lost")]
    public static partial void StopStoreFailed(ILogger logger, string step, Exception exception);

    [LoggerMessage(3014, LogLevel.Information, "Cluster node {NodeId} joined the session directory on {Endpoints}")]
    public static partial void ClusterJoined(ILogger logger, string nodeId, string endpoints);

    [LoggerMessage(3015, LogLevel.Information, "Node links use TLS 1.3 pinned to the cluster certificate {Fingerprint}")]
    public static partial void ClusterLinksTls(ILogger logger, string fingerprint);

    [LoggerMessage(3016, LogLevel.Warning, "Node links are not encrypted (cluster.tls is false): use this only on a private network")]
    public static partial void ClusterLinksPlain(ILogger logger);
}
