using System.Diagnostics;

namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>
/// One XEP-0065 bytestream: the (up to) two connections that asked for the same destination address, whether the
/// initiator activated it, when a byte last moved, and the shared rate budget of both directions. Membership
/// changes under the relay's rendezvous lock; the rate bucket has a lock of its own (taken once per read).
/// </summary>
internal sealed class Bytestream
{
    private readonly object _bucketGate = new();
    private readonly long _rate;
    private long _tokens;
    private long _refilledAt;
    private long _lastActivity;
    private long _relayed;

    public Bytestream(string address, ProxyConnection first, long bytesPerSecond)
    {
        Address = address;
        First = first;
        _rate = bytesPerSecond;
        _tokens = bytesPerSecond; // one second's worth at once
        _refilledAt = Stopwatch.GetTimestamp();
        Touch();
    }

    /// <summary>The destination address (lower-case hex), the rendezvous key.</summary>
    public string Address { get; }

    public ProxyConnection? First { get; set; }

    public ProxyConnection? Second { get; set; }

    public bool IsActive { get; set; }

    /// <summary>Set once the bytestream left the rendezvous (a side closed or it ended).</summary>
    public bool IsEnded { get; set; }

    public bool IsPaired => First is not null && Second is not null;

    /// <summary>Stopwatch timestamp of activation.</summary>
    public long ActivatedAt { get; set; }

    /// <summary>Bytes relayed, both directions.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    public void Count(int bytes) => Interlocked.Add(ref _relayed, bytes);

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void Touch() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    /// <summary>Takes <paramref name="bytes"/> from the rate budget; returns how long the reader must pause (zero: none).</summary>
    public TimeSpan Consume(int bytes)
    {
        if (_rate <= 0)
        {
            return TimeSpan.Zero;
        }

        lock (_bucketGate)
        {
            var now = Stopwatch.GetTimestamp();
            var refill = (long)((double)(now - _refilledAt) * _rate / Stopwatch.Frequency);
            if (refill > 0)
            {
                _tokens = Math.Min(_rate, _tokens + refill);
                _refilledAt = now;
            }

            _tokens -= bytes;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)-_tokens / _rate);
        }
    }

    public ProxyConnection? PeerOf(ProxyConnection side) => ReferenceEquals(side, First) ? Second : First;
}
