using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Modules.Roster;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// Decides per message and archive owner whether the message is archived (XEP-0313 §6.1). Preferences are user
/// data, cached by owner (bare JID bytes, looked up by span) so that the message path reads the store once per
/// owner and then allocates nothing; the cache is bounded (cleared when full) and updated by every set. A
/// 'roster' default asks the owner's in-memory roster when the owner is online, else the store.
/// </summary>
internal sealed class PreferenceBook(XmppServer server, ArchiveDefault serverDefault)
{
    private const int MaxCached = 100_000;

    private readonly Dictionary<byte[], ArchivePreferences?> _cache = new(new Utf8KeyComparer());
    private readonly Lock _gate = new();

    public ArchiveDefault ServerDefault => serverDefault;

    public bool ShouldArchive(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer)
    {
        var prefs = Get(owner);
        var decision = prefs?.DecideFor(peer) ?? serverDefault;
        return decision switch
        {
            ArchiveDefault.Always => true,
            ArchiveDefault.Never => false,
            _ => InRoster(owner, peer),
        };
    }

    /// <summary>The owner's stored preferences; null when they never set any.</summary>
    public ArchivePreferences? Get(ReadOnlySpan<byte> owner)
    {
        lock (_gate)
        {
            if (_cache.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(owner, out var cached))
            {
                return cached;
            }
        }

        var stored = server.Store.UserData.Get(owner, ArchivePreferences.StoreKey);
        var prefs = stored is null ? null : ArchivePreferences.Decode(stored);
        Remember(owner.ToArray(), prefs);
        return prefs;
    }

    /// <summary>Stores new preferences; completes once durable (the cache changes at once).</summary>
    public async Task SetAsync(byte[] owner, ArchivePreferences prefs)
    {
        Remember(owner, prefs);
        await server.Store.UserData.SetAsync(owner, ArchivePreferences.StoreKey.ToArray(), prefs.Encode()).ConfigureAwait(false);
    }

    private void Remember(byte[] owner, ArchivePreferences? prefs)
    {
        lock (_gate)
        {
            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }

            _cache[owner] = prefs;
        }
    }

    private bool InRoster(ReadOnlySpan<byte> owner, ReadOnlySpan<byte> peer)
    {
        if (server.Routes.TryGetUser(owner, out var user) && UserRoster.Of(user) is { } roster)
        {
            lock (user.Gate)
            {
                return roster.Find(peer) is { Hidden: false };
            }
        }

        return server.Store.Rosters.Get(owner, peer) is { Hidden: false };
    }
}
