namespace HighPerf.Xmpp.Cluster.Store;

/// <summary>
/// The writes that read before they write, as Lua scripts: the engine runs each one atomically, so two nodes changing
/// one user's roster or offline queue at once neither lose a version nor exceed the cap. StackExchange.Redis sends
/// them by SHA after the first use (EVALSHA), so a script's text crosses the network once per connection.
/// </summary>
internal static class StoreScripts
{
    /// <summary>KEYS: roster hash, version counter. ARGV: contact, item bytes. Returns the new version.</summary>
    public const string RosterSet = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return redis.call('INCR', KEYS[2])
        """;

    /// <summary>KEYS: roster hash, version counter. ARGV: contact. Returns the version (unchanged when absent).</summary>
    public const string RosterRemove = """
        if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
          return redis.call('INCR', KEYS[2])
        end
        local version = redis.call('GET', KEYS[2])
        if version then return tonumber(version) end
        return 0
        """;

    /// <summary>
    /// KEYS: roster hash, version counter. ARGV: contact, expected item bytes ('' when absent), new item bytes ('' to
    /// remove). A compare-and-set: returns -1 and writes nothing when the stored item is not the expected one (another
    /// node changed it), else the roster's version after the write (unchanged when an absent item is removed). An
    /// encoded item is never empty, so '' cannot be mistaken for one.
    /// </summary>
    public const string RosterReplace = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if (current or '') ~= ARGV[2] then return -1 end
        if ARGV[3] ~= '' then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          return redis.call('INCR', KEYS[2])
        end
        if current then
          redis.call('HDEL', KEYS[1], ARGV[1])
          return redis.call('INCR', KEYS[2])
        end
        local version = redis.call('GET', KEYS[2])
        if version then return tonumber(version) end
        return 0
        """;

    /// <summary>KEYS: roster hash, version counter. ARGV: contact. Returns {version, item or nil}, read together.</summary>
    public const string RosterRead = """
        local version = redis.call('GET', KEYS[2]) or '0'
        return {version, redis.call('HGET', KEYS[1], ARGV[1])}
        """;

    /// <summary>
    /// KEYS: offline list, sequence counter. ARGV: cap, stanza. Each list entry is <c>{sequence}:{stanza}</c>.
    /// Returns the message's sequence number, or -1 when the queue is at its cap (nothing stored).
    /// </summary>
    public const string OfflineAppend = """
        if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
        local sequence = redis.call('INCR', KEYS[2])
        redis.call('RPUSH', KEYS[1], sequence .. ':' .. ARGV[2])
        return sequence
        """;

    /// <summary>KEYS: offline list. ARGV: last sequence to delete. Pops entries from the head while their sequence
    /// is at most that; returns how many.</summary>
    public const string OfflineDeleteThrough = """
        local through = tonumber(ARGV[1])
        local removed = 0
        while true do
          local entry = redis.call('LINDEX', KEYS[1], 0)
          if not entry then break end
          local sequence = tonumber(string.match(entry, '^(%d+):'))
          if sequence == nil or sequence > through then break end
          redis.call('LPOP', KEYS[1])
          removed = removed + 1
        end
        return removed
        """;
}
