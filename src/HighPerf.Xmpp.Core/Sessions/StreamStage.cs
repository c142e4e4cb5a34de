namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Where a connection is in RFC 6120 stream negotiation.</summary>
public enum StreamStage : byte
{
    /// <summary>Waiting for the client's stream header (at connect and after each stream restart).</summary>
    AwaitingHeader,

    /// <summary>Header answered; features offered; negotiating (TLS, SASL, compression, bind).</summary>
    Negotiating,

    /// <summary>Resource bound: stanzas are routed.</summary>
    Bound,

    /// <summary>Closing or closed: input is ignored.</summary>
    Closed,
}
