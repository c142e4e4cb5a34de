using System.Collections.Concurrent;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The global and per-address connection limits, checked once at accept and released once at close (never per
/// stanza). A refused connection is closed before any session state exists for it, so a flood costs an accept
/// and a close.
/// </summary>
internal sealed class ConnectionLimiter
{
    private readonly int _max;
    private readonly int _maxPerAddress;
    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private int _count;

    /// <param name="max">Connections open at once on the host; 0: no limit.</param>
    /// <param name="maxPerAddress">Connections open at once from one remote address; 0: no limit.</param>
    public ConnectionLimiter(int max, int maxPerAddress)
    {
        _max = max;
        _maxPerAddress = maxPerAddress;
    }

    /// <summary>Takes a slot for a connection from <paramref name="address"/>; returns null when admitted (release it
    /// with <see cref="Release"/>), else the limit that refused it ("global" or "per_ip").</summary>
    public string? TryAcquire(string address)
    {
        if (Interlocked.Increment(ref _count) > _max && _max > 0)
        {
            Interlocked.Decrement(ref _count);
            return "global";
        }

        if (_maxPerAddress > 0)
        {
            var count = _perAddress.AddOrUpdate(address, 1, static (_, current) => current + 1);
            if (count > _maxPerAddress)
            {
                Decrement(address);
                Interlocked.Decrement(ref _count);
                return "per_ip";
            }
        }

        return null;
    }

    public void Release(string address)
    {
        if (_maxPerAddress > 0)
        {
            Decrement(address);
        }

        Interlocked.Decrement(ref _count);
    }

    private void Decrement(string address)
    {
        while (_perAddress.TryGetValue(address, out var current))
        {
            if (current <= 1)
            {
                if (_perAddress.TryRemove(new KeyValuePair<string, int>(address, current)))
                {
                    return;
                }
            }
            else if (_perAddress.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }
}
