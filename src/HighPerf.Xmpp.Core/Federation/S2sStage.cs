namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Where an s2s stream is.</summary>
public enum S2sStage : byte
{
    /// <summary>Waiting for the peer's stream header (at connect and after each restart).</summary>
    AwaitingHeader,

    /// <summary>Headers exchanged: TLS, SASL EXTERNAL or dialback are being negotiated (a receiving stream stays here,
    /// accepting stanzas for each domain pair it authenticated).</summary>
    Negotiating,

    /// <summary>An initiating stream authenticated for its pair: it carries the link's stanzas.</summary>
    Ready,

    /// <summary>Closing or closed: input is ignored.</summary>
    Closed,
}
