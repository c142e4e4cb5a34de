using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace HighPerf.Xmpp.Http.Hosting;

/// <summary>Settings of the HTTP transports (the server maps its <c>http</c> config section to these).</summary>
public sealed class HttpTransportOptions
{
    /// <summary>Plain HTTP listener (ws://, http://); null: none.</summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>HTTPS listener (wss://, https://) with <see cref="Certificates"/>; null: none.</summary>
    public IPEndPoint? ListenTls { get; init; }

    /// <summary>Server certificates by domain (SNI picks one; the first is the fallback). Needed for <see cref="ListenTls"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, X509Certificate2>> Certificates { get; init; } = [];

    /// <summary>Count streams over plain HTTP as secure (a TLS-terminating reverse proxy in front, on loopback).
    /// Off: plain HTTP is like a TCP stream without TLS (tls.required refuses authentication on it).</summary>
    public bool PlainHttpIsSecure { get; init; }

    /// <summary>Origins allowed by CORS (exact "https://host[:port]" or "*"); empty: no CORS headers.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Bytes queued for a WebSocket client that does not read before it is disconnected.</summary>
    public int OutboundQueueLimitBytes { get; init; } = 512 * 1024;

    /// <summary>Open HTTP connections at once (WebSocket or not) per listener; 0: unlimited.</summary>
    public int MaxConnections { get; init; }

    /// <summary>How long a closing connection may take to send its last bytes and close handshake.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>XEP-0363 uploads served under /upload/; null: none.</summary>
    public Upload.UploadStore? Upload { get; init; }

    /// <summary>XEP-0124 limits.</summary>
    public BoshLimits Bosh { get; init; } = new();
}

/// <summary>The XEP-0124 bounds the server announces in its session creation response and enforces.</summary>
public sealed class BoshLimits
{
    /// <summary>Longest 'wait' granted (seconds): how long a held request may stay unanswered.</summary>
    public int MaxWaitSeconds { get; init; } = 60;

    /// <summary>Most requests the server holds at once per session ('hold').</summary>
    public int MaxHold { get; init; } = 1;

    /// <summary>'inactivity': seconds without any request before the session ends.</summary>
    public int InactivitySeconds { get; init; } = 60;

    /// <summary>'requests': most requests a client may have open at once (hold + 1 at least).</summary>
    public int MaxRequests { get; init; } = 2;

    /// <summary>'polling': shortest allowed interval between empty requests (seconds).</summary>
    public int PollingSeconds { get; init; } = 2;
}
