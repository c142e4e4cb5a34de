using System.Diagnostics.Tracing;

namespace HighPerf.Benchmarks.Budget;

/// <summary>
/// Which types a benchmark operation allocates: listens in-process to the runtime's GCAllocationTick events (one
/// sample per ~100 KB allocated, carrying the type of the object that crossed the mark) while the operation runs,
/// and reports the sampled types by estimated bytes. Sampled, not exact, and without stacks; enough to name the
/// culprit of a budget overrun. Usage: <c>--alloc-profile Class.Method</c>.
/// </summary>
public sealed class AllocationProfiler : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public IReadOnlyList<KeyValuePair<string, long>> Stop()
    {
        _recording = false;
        lock (_bytesByType)
        {
            return [.. _bytesByType.OrderByDescending(p => p.Value)];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName") as string ?? "?";
        var amount = Payload(eventData, "AllocationAmount64") is ulong big ? (long)big : Convert.ToInt64(Payload(eventData, "AllocationAmount") ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames!.IndexOf(name);
        return index < 0 ? null : e.Payload![index];
    }
}
