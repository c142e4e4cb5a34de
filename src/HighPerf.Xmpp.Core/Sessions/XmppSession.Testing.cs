using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// Benchmark hook: binds a session to a full JID without a stream, SASL or a bind iq, so that a routing table of
/// a million bound sessions costs seconds instead of a million logins. Nothing in the server calls it.
/// </summary>
public sealed partial class XmppSession
{
    /// <summary>
    /// Marks the session authenticated, bound to <paramref name="fullJid"/> (normalized here) and available at
    /// priority 0, and attaches it to the routing table as a bind would (without observers or a reply). A session
    /// that is to send stanzas must have had a stream header fed through <see cref="ProcessInput"/> first.
    /// </summary>
    internal void BindForTesting(ReadOnlySpan<byte> fullJid)
    {
        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (JidNormalizer.TryNormalize(fullJid, normalized, out var length, out var parts) != JidError.None
            || !parts.HasLocal || !parts.HasResource)
        {
            throw new ArgumentException("A full JID (local@domain/resource) is required.", nameof(fullJid));
        }

        var jid = normalized[..length];
        _domain = _server.FindDomain(parts.Domain(jid))
            ?? throw new ArgumentException("The JID's domain is not served.", nameof(fullJid));
        SetIdentity(jid, parts.BareLength, parts.ResourceStart);
        IsAuthenticated = true;
        _stage = StreamStage.Bound;
        _user = _server.Routes.Attach(this, out _);
        IsAvailable = true;
        Priority = 0;
    }
}
