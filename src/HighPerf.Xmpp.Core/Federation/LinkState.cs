namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Where an outbound link to a remote domain is.</summary>
public enum LinkState : byte
{
    /// <summary>No connection: the next stanza or verification request starts one.</summary>
    Idle,

    /// <summary>Resolving, connecting or negotiating: stanzas wait in the link's bounded queue.</summary>
    Connecting,

    /// <summary>Authenticated for the domain pair: stanzas go straight into the connection's outbound queue.</summary>
    Ready,
}
