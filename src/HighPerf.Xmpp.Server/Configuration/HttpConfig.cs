namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>
/// XMPP over HTTP for browser clients: WebSocket (RFC 7395) at <c>/xmpp-websocket</c>, BOSH (XEP-0124/0206) at
/// <c>/http-bind</c>, and XEP-0156 discovery at <c>/.well-known/host-meta[.json]</c>. Off by default.
/// </summary>
public sealed class HttpConfig
{
    /// <summary>Serve the HTTP transports.</summary>
    public bool Enabled { get; set; }

    /// <summary>address:port of the plain HTTP listener (ws://, http://); empty: none.</summary>
    public string Listen { get; set; } = "127.0.0.1:5280";

    /// <summary>address:port of the HTTPS listener (wss://, https://) with the server's certificate; empty: none.</summary>
    public string ListenTls { get; set; } = "127.0.0.1:5281";

    /// <summary>Count plain-HTTP streams as encrypted: only for a TLS-terminating reverse proxy in front of a loopback
    /// listener. Off: a plain-HTTP stream is like a TCP stream without TLS (tls.required refuses authentication on
    /// it; auth.allowPlainWithoutTls decides whether SASL PLAIN is offered).</summary>
    public bool PlainHttpIsSecure { get; set; }

    /// <summary>Origins allowed to use the endpoints from a browser page (CORS), e.g. "https://chat.example.org";
    /// "*" allows any. Empty: no CORS headers (same-origin pages and non-browser clients only).</summary>
    public List<string> CorsOrigins { get; set; } = [];

    public BoshConfig Bosh { get; set; } = new();
}

/// <summary>XEP-0124 session limits, announced in the session creation response and enforced.</summary>
public sealed class BoshConfig
{
    /// <summary>Longest 'wait' granted, in seconds (a held request is answered empty after it).</summary>
    public int MaxWaitSeconds { get; set; } = 60;

    /// <summary>Most requests held at once per session ('hold').</summary>
    public int MaxHold { get; set; } = 1;

    /// <summary>Seconds without a request after which a session ends ('inactivity'); its user goes offline.</summary>
    public int InactivitySeconds { get; set; } = 60;

    /// <summary>Most simultaneous requests per session ('requests'); at least maxHold + 1.</summary>
    public int MaxRequests { get; set; } = 2;

    /// <summary>Shortest interval between empty requests, in seconds ('polling').</summary>
    public int PollingSeconds { get; set; } = 2;
}
