using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>
/// Where blocklists live: an online user's on its routing entry (<see cref="LocalUser.BlockingState"/>, loaded
/// from the store on first use), an offline account's read from the store when a stanza is addressed to it.
/// The checks read a snapshot and allocate nothing while a list is empty.
/// </summary>
internal sealed class Blocklists(XmppServer server)
{
    // Loads take this (not the user's gate): checks run inside presence broadcasts that hold a user's gate, and
    // no two user gates are ever held at once.
    private readonly Lock _loadGate = new();

    /// <summary>The user-data key of the stored list.</summary>
    public static ReadOnlySpan<byte> StoreKey => "blocklist"u8;

    public XmppServer Server => server;

    /// <summary>The online user's list (loaded on first use while the user is online).</summary>
    public Blocklist Of(LocalUser user)
    {
        if (user.BlockingState is Blocklist list)
        {
            return list;
        }

        lock (_loadGate)
        {
            if (user.BlockingState is not Blocklist loaded)
            {
                loaded = Load(user.BareJid);
                user.BlockingState = loaded;
            }

            return loaded;
        }
    }

    /// <summary>True when the account <paramref name="owner"/> (normalized bare JID, online or not) blocks <paramref name="jid"/>.</summary>
    public bool AccountBlocks(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> jid)
    {
        if (server.Routes.TryGetUser(owner, out var user))
        {
            return Of(user).Blocks(jid);
        }

        // Offline (the stanza is on its way to offline storage or to a server-handled iq): read the store.
        var stored = server.Store.UserData.Get(owner, StoreKey);
        return stored is { Length: > 0 } && Blocklist.Decode(stored).Blocks(jid);
    }

    /// <summary>True when presence or other traffic between <paramref name="a"/> and <paramref name="b"/> is blocked
    /// by either side's list (each list checked against the other's full JID).</summary>
    public bool Separates(XmppSession a, XmppSession b)
    {
        var userA = a.User;
        var userB = b.User;
        return (userA is not null && Of(userA).Blocks(b.FullJid)) || (userB is not null && Of(userB).Blocks(a.FullJid));
    }

    /// <summary>As <see cref="Separates(XmppSession, XmppSession)"/> between a session and a user's session.</summary>
    public bool Separates(LocalUser owner, XmppSession ownerSession, LocalUser other, XmppSession otherSession)
        => Of(owner).Blocks(otherSession.FullJid) || Of(other).Blocks(ownerSession.FullJid);

    private Blocklist Load(ReadOnlySpan<byte> bareJid)
    {
        var stored = server.Store.UserData.Get(bareJid, StoreKey);
        return stored is null ? Blocklist.Empty() : Blocklist.Decode(stored);
    }

    /// <summary>True when <paramref name="jid"/> (normalized) names an account's bare or full JID at a served domain.</summary>
    public bool IsLocalAccountAddress(ReadOnlySpan<byte> jid, out JidParts parts)
    {
        parts = JidParts.OfNormalized(jid);
        return parts.HasLocal && server.IsLocalDomain(parts.Domain(jid));
    }
}
