namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// Striped per-user locks. A write holds its user's stripe while it reads the current records, logs its
/// changes and applies them, so that (1) read-modify-write sequences of one user (offline cap, roster
/// version) are atomic and (2) the write-ahead log holds each key's changes in the order they were applied,
/// which is what makes replay correct. The lock is never held across an await: durability is awaited after
/// release. Different users rarely share a stripe; when they do they merely serialize.
/// </summary>
internal sealed class UserLocks
{
    private const int Stripes = 1024;

    private readonly Lock[] _locks = new Lock[Stripes];

    public UserLocks()
    {
        for (var i = 0; i < _locks.Length; i++)
            _locks[i] = new Lock();
    }

    public Lock For(ReadOnlySpan<byte> user) => _locks[(int)(StableHash.Fnv1a64(user) & (Stripes - 1))];

    /// <summary>Excludes every writer for an instant (the checkpoint cut). Acquired in index order; writers hold one stripe at most, so this cannot deadlock.</summary>
    public void EnterAll()
    {
        foreach (var l in _locks)
            l.Enter();
    }

    public void ExitAll()
    {
        for (var i = _locks.Length - 1; i >= 0; i--)
            _locks[i].Exit();
    }
}
