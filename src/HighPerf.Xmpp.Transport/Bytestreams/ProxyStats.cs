namespace HighPerf.Xmpp.Transport.Bytestreams;

/// <summary>Counters of the relay, read by metrics and tests (all fields updated with Interlocked).</summary>
public sealed class ProxyStats
{
    internal long BytesRelayedField;
    internal long PeakPendingBytesField;
    internal long TransfersCompletedField;
    internal long ConnectionsRefusedField;

    /// <summary>Bytes passed from one side to the other since start.</summary>
    public long BytesRelayed => Interlocked.Read(ref BytesRelayedField);

    /// <summary>The most bytes ever waiting to be written toward one side: what back-pressure bounds.</summary>
    public long PeakPendingBytes => Interlocked.Read(ref PeakPendingBytesField);

    /// <summary>Bytestreams that were activated and have ended.</summary>
    public long TransfersCompleted => Interlocked.Read(ref TransfersCompletedField);

    /// <summary>Connections closed at accept or refused in the handshake by a limit.</summary>
    public long ConnectionsRefused => Interlocked.Read(ref ConnectionsRefusedField);

    internal void ObservePending(long pending)
    {
        var peak = Interlocked.Read(ref PeakPendingBytesField);
        while (pending > peak)
        {
            var seen = Interlocked.CompareExchange(ref PeakPendingBytesField, pending, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }
}
