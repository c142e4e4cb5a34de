namespace HighPerf.Xmpp.Cluster.Directory;

internal static class DirectoryScripts
{
    /// <summary>KEYS: the user's session hash. ARGV: resource, this node's id. Deletes the entry only when this node
    /// wrote it: a newer login with the same full JID on another node keeps its entry.</summary>
    public const string RemoveOwn = """
        local value = redis.call('HGET', KEYS[1], ARGV[1])
        if value and string.sub(value, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '|' then
          return redis.call('HDEL', KEYS[1], ARGV[1])
        end
        return 0
        """;
}
