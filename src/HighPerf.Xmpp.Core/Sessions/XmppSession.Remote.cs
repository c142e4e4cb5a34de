using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// Stand-ins for entities on other servers. A stanza arriving over s2s is routed with the stand-in of its sender
/// as the router's "sender", so every rule and module that answers a local client (errors, iq results, offline
/// storage, presence) answers a remote one the same way: what is written to the stand-in goes back over s2s.
/// A stand-in is never bound in the routing table and has no stream of its own.
/// </summary>
public sealed partial class XmppSession
{
    /// <summary>True for the stand-in of a remote entity (see <see cref="ForRemoteEntity"/>).</summary>
    public bool IsRemote { get; private set; }

    /// <summary>A stand-in for the remote entity <paramref name="jid"/> (normalized) whose bytes go to <paramref name="transport"/>.</summary>
    public static XmppSession ForRemoteEntity(XmppServer server, ISessionTransport transport, ReadOnlySpan<byte> jid, in JidParts parts)
    {
        var session = new XmppSession(server, transport)
        {
            IsRemote = true,
            IsAuthenticated = true,
            _stage = StreamStage.Bound,
            _headerSent = true,
        };
        session.SetIdentity(jid, parts.BareLength, parts.HasResource ? parts.ResourceStart : -1);
        return session;
    }
}
