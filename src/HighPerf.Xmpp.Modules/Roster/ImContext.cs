using System.Runtime.CompilerServices;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Modules.Presence;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Roster;

/// <summary>
/// The RFC 6121 machinery shared by the roster, presence and offline modules of one server: roster access,
/// the subscription state machine and presence broadcast.
/// </summary>
internal sealed class ImContext
{
    private static readonly ConditionalWeakTable<XmppServer, ImContext> Contexts = [];
    private readonly List<Action<XmppSession>> _initialPresenceObservers = [];

    private ImContext(XmppServer server)
    {
        Server = server;
        Logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        Rosters = new RosterBook(server);
        Presence = new PresenceBroadcaster(this);
        Subscriptions = new SubscriptionEngine(this);
        Remote = new RemoteContacts(this);
        Rosters.Shared?.OnChanged(Subscriptions.OnChangedElsewhere);
        Rosters.Shared?.OnReconnected(Subscriptions.ResyncAfterReconnect);
    }

    public XmppServer Server { get; }

    public ILogger Logger { get; }

    public RosterBook Rosters { get; }

    public PresenceBroadcaster Presence { get; }

    public SubscriptionEngine Subscriptions { get; }

    /// <summary>Presence to contacts on other servers (does nothing while federation is off).</summary>
    public RemoteContacts Remote { get; }

    /// <summary>XEP-0191 blocklists when the blocking module is enabled (presence broadcast skips blocked pairs).</summary>
    public Blocking.Blocklists? Blocking { get; set; }

    public static ImContext For(XmppServer server) => Contexts.GetValue(server, static s => new ImContext(s));

    /// <summary>Called (on the session's loop) after a resource's initial presence was broadcast.</summary>
    public void OnInitialPresence(Action<XmppSession> observer) => _initialPresenceObservers.Add(observer);

    internal void RaiseInitialPresence(XmppSession session)
    {
        foreach (var observer in _initialPresenceObservers)
        {
            observer(session);
        }
    }

    /// <summary>The user's roster, loaded from the store on first use while the user is online.</summary>
    public UserRoster RosterOf(LocalUser user)
    {
        lock (user.Gate)
        {
            if (user.ImState is UserRoster roster)
            {
                return roster;
            }

            roster = UserRoster.Load(Server.Store.Rosters, user.BareJid);
            user.ImState = roster;
            return roster;
        }
    }

    /// <summary>Records the roster version a durable change produced (versions only grow).</summary>
    public void SetVersion(ReadOnlySpan<byte> owner, long version)
    {
        if (Server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
        {
            lock (user.Gate)
            {
                roster.Version = Math.Max(roster.Version, version);
            }
        }
    }
}
