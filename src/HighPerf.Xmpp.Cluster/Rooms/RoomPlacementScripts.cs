namespace HighPerf.Xmpp.Cluster.Rooms;

internal static class RoomPlacementScripts
{
    /// <summary>KEYS: the placement hash. ARGV: room JID, this node's id, the owner the caller saw ('' for none).
    /// Takes the room only if its owner is still the one the caller found dead (or there is still none), so that of
    /// two nodes claiming at once one wins and the other learns the winner. Returns the owner after the call.</summary>
    public const string Claim = """
        local owner = redis.call('HGET', KEYS[1], ARGV[1])
        if (not owner and ARGV[3] == '') or owner == ARGV[3] then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          return ARGV[2]
        end
        return owner
        """;
}
