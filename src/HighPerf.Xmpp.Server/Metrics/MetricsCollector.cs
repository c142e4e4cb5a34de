using System.Diagnostics.Metrics;
using System.Text;

namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>
/// Listens to one <see cref="Meter"/> (the server's) and keeps what the Prometheus exposition needs: sums,
/// histogram buckets and the last value of observable instruments. The measurement callbacks allocate nothing once
/// a tag combination has been seen; a scrape (<see cref="WriteTo"/>) reads the observable instruments and formats
/// everything.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private readonly List<InstrumentState> _instruments = [];
    private readonly Lock _scrapeGate = new();

    public MetricsCollector(Meter meter)
    {
        _meter = meter;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => OnMeasurement((InstrumentState)state!, value, tags));
        _listener.SetMeasurementEventCallback<int>(static (instrument, value, tags, state) => OnMeasurement((InstrumentState)state!, value, tags));
        _listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => OnMeasurement((InstrumentState)state!, value, tags));
        _listener.Start();
    }

    /// <summary>Writes the Prometheus text exposition (format 0.0.4) of every instrument.</summary>
    public void WriteTo(StringBuilder text)
    {
        lock (_scrapeGate)
        {
            _listener.RecordObservableInstruments();
            InstrumentState[] instruments;
            lock (_instruments)
            {
                instruments = [.. _instruments];
            }

            foreach (var state in instruments)
            {
                PrometheusText.Write(text, state);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter, _meter))
        {
            return;
        }

        var state = new InstrumentState(instrument);
        lock (_instruments)
        {
            _instruments.Add(state);
        }

        listener.EnableMeasurementEvents(instrument, state);
    }

    private static void OnMeasurement(InstrumentState state, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = state.Find(tags);
        switch (state.Kind)
        {
            case AggregationKind.Sum:
            case AggregationKind.UpDownSum:
                series.Add(value);
                break;
            case AggregationKind.Histogram:
                series.Record(value);
                break;
            default:
                series.Set(value);
                break;
        }
    }

    private static void OnMeasurement(InstrumentState state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = state.Find(tags);
        switch (state.Kind)
        {
            case AggregationKind.Sum:
            case AggregationKind.UpDownSum:
                series.Add(value);
                break;
            case AggregationKind.Histogram:
                series.Record(value);
                break;
            default:
                series.Set(value);
                break;
        }
    }
}
