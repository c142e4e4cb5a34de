using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Benchmarks.Archive;

/// <summary>Waits, without allocating, for an archive position to be durable (told by the store's commit thread).</summary>
internal sealed class DurableSignal : IDurabilityListener
{
    private readonly object _gate = new();
    private bool _done;

    public void OnDurable()
    {
        lock (_gate)
        {
            _done = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Wait(IArchiveStore archive, long position)
    {
        lock (_gate)
        {
            _done = false;
        }

        if (!archive.NotifyWhenDurable(position, this))
        {
            return;
        }

        lock (_gate)
        {
            while (!_done)
            {
                if (!Monitor.Wait(_gate, TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException("The archive did not commit within 30 s.");
                }
            }
        }
    }
}
