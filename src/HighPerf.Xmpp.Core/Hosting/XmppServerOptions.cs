using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Hosting;

/// <summary>Protocol-level settings of the server (the host binds them from its configuration).</summary>
public sealed record XmppServerOptions
{
    /// <summary>Domains served by this server; the first is the default.</summary>
    public IReadOnlyList<string> Domains { get; init; } = ["localhost"];

    /// <summary>STARTTLS must be negotiated before authentication (RFC 7590). Off only for loopback benchmarks.</summary>
    public bool RequireTls { get; init; } = true;

    /// <summary>Offer SASL PLAIN on unencrypted streams (loopback benchmarks only).</summary>
    public bool AllowPlainWithoutTls { get; init; }

    /// <summary>An unauthenticated connection is closed after this long.</summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed SASL attempts on one connection before it is closed.</summary>
    public int MaxAuthFailures { get; init; } = 3;

    /// <summary>Delay added before answering the second and later failed attempts (multiplied by the count).</summary>
    public TimeSpan AuthFailureDelay { get; init; } = TimeSpan.FromSeconds(1);

    public XmlStreamLimits XmlLimits { get; init; } = XmlStreamLimits.Default;
}
