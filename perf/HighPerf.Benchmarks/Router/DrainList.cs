namespace HighPerf.Benchmarks.Router;

/// <summary>
/// Stands in for the event loops' task queues: transports whose queue went from empty to non-empty register
/// here once (as <c>XmppConnection</c> executes itself on its loop once per drain), and the benchmark drains
/// them all at the end of each batch. A fixed array: registering allocates nothing.
/// </summary>
internal sealed class DrainList
{
    private QueueTransport[] _pending = new QueueTransport[4096];
    private int _count;

    public void Add(QueueTransport transport)
    {
        if (_count == _pending.Length)
        {
            Array.Resize(ref _pending, _count * 2);
        }

        _pending[_count++] = transport;
    }

    /// <summary>Drains every registered transport; returns the bytes they had queued.</summary>
    public long DrainAll()
    {
        long bytes = 0;
        for (var i = 0; i < _count; i++)
        {
            bytes += _pending[i].Drain();
            _pending[i] = null!;
        }

        _count = 0;
        return bytes;
    }
}
