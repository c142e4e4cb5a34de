using HighPerf.Xmpp.Core.Sessions;

namespace HighPerf.Benchmarks.Router;

/// <summary>
/// Stands in for the event loops' task queues for posted work (a session's held stanzas, released from the archive's
/// commit thread): the commit thread adds, the benchmark thread runs them all. A fixed array under a lock: adding
/// allocates nothing once warm.
/// </summary>
internal sealed class PostList
{
    private readonly Lock _gate = new();
    private ILoopWork[] _pending = new ILoopWork[64];
    private ILoopWork[] _running = new ILoopWork[64];
    private int _count;

    public void Add(ILoopWork work)
    {
        lock (_gate)
        {
            if (_count == _pending.Length)
            {
                Array.Resize(ref _pending, _count * 2);
            }

            _pending[_count++] = work;
        }
    }

    /// <summary>Runs everything posted so far on the calling thread; returns how many ran.</summary>
    public int RunAll()
    {
        int count;
        lock (_gate)
        {
            (_pending, _running) = (_running, _pending);
            if (_pending.Length < _running.Length)
            {
                _pending = new ILoopWork[_running.Length];
            }

            count = _count;
            _count = 0;
        }

        for (var i = 0; i < count; i++)
        {
            _running[i].RunOnLoop();
            _running[i] = null!;
        }

        return count;
    }
}
