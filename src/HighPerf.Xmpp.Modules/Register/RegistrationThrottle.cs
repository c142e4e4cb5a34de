namespace HighPerf.Xmpp.Modules.Register;

/// <summary>
/// Fixed-window count of registration attempts per client address. Memory is bounded: when more than
/// <see cref="MaxAddresses"/> addresses are tracked, expired windows are dropped, and if that is not enough the
/// oldest are (an attacker with that many addresses gets no more than the limit from each).
/// </summary>
internal sealed class RegistrationThrottle(int maxAttempts, TimeSpan window, TimeProvider time)
{
    internal const int MaxAddresses = 10_000;

    private readonly Dictionary<string, (long WindowStart, int Count)> _attempts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts an attempt from <paramref name="address"/>; false when it is over the limit.</summary>
    public bool TryAcquire(string address)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_attempts.TryGetValue(address, out var entry) && !Expired(entry.WindowStart, now))
            {
                if (entry.Count >= maxAttempts)
                {
                    return false;
                }

                _attempts[address] = (entry.WindowStart, entry.Count + 1);
                return true;
            }

            if (_attempts.Count >= MaxAddresses)
            {
                Prune(now);
            }

            _attempts[address] = (now, 1);
            return true;
        }
    }

    private bool Expired(long start, long now) => time.GetElapsedTime(start, now) >= window;

    private void Prune(long now)
    {
        foreach (var (address, entry) in _attempts)
        {
            if (Expired(entry.WindowStart, now))
            {
                _attempts.Remove(address);
            }
        }

        if (_attempts.Count >= MaxAddresses)
        {
            var oldest = _attempts.OrderBy(pair => pair.Value.WindowStart).Take(_attempts.Count - (MaxAddresses / 2)).Select(pair => pair.Key).ToList();
            foreach (var address in oldest)
            {
                _attempts.Remove(address);
            }
        }
    }
}
