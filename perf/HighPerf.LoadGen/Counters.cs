namespace HighPerf.LoadGen;

/// <summary>Run-wide counters, updated with Interlocked from any thread.</summary>
internal sealed class Counters
{
    public long Established;
    public long Failed;
    public long Sent;
    public long Delivered;
    public long MessageErrors;
    public long PresenceReceived;
    /// <summary>Subscription approvals received (roster-provision).</summary>
    public long Subscribed;
    public long RosterItems;
    public long Disconnected;
    public long StreamErrors;
    public long IqAnswered;
    public readonly Dictionary<string, long> FailuresByStep = new(StringComparer.Ordinal);

    public void Fail(string step)
    {
        Interlocked.Increment(ref Failed);
        lock (FailuresByStep)
        {
            FailuresByStep[step] = FailuresByStep.GetValueOrDefault(step) + 1;
        }
    }
}
