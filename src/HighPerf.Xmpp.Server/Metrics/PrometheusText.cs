using System.Globalization;
using System.Text;

namespace HighPerf.Xmpp.Server.Metrics;

/// <summary>
/// The Prometheus text format (0.0.4) with OpenTelemetry's naming rules for it: dots become underscores, the unit
/// becomes a suffix (By: _bytes, s: _seconds; annotations like {connection} none) and counters end in _total.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Write(StringBuilder text, InstrumentState state)
    {
        var series = state.Series;
        if (series.Length == 0)
        {
            return;
        }

        var instrument = state.Instrument;
        var name = Name(instrument.Name, instrument.Unit);
        var (type, suffix) = state.Kind switch
        {
            AggregationKind.Sum or AggregationKind.LastCumulative => ("counter", "_total"),
            AggregationKind.Histogram => ("histogram", ""),
            _ => ("gauge", ""),
        };
        name += suffix;
        if (!string.IsNullOrEmpty(instrument.Description))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        }

        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var one in series)
        {
            switch (state.Kind)
            {
                case AggregationKind.Sum:
                case AggregationKind.UpDownSum:
                    Sample(text, name, one.Tags, null, one.SumLong() + one.SumDouble());
                    break;
                case AggregationKind.Histogram:
                    WriteHistogram(text, name, one);
                    break;
                default:
                    Sample(text, name, one.Tags, null, one.Last);
                    break;
            }
        }
    }

    private static void WriteHistogram(StringBuilder text, string name, MetricSeries series)
    {
        var buckets = series.BucketCounts();
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += buckets[i];
            var bound = i < series.Bounds.Length ? Number(series.Bounds[i]) : "+Inf";
            Sample(text, name + "_bucket", series.Tags, bound, cumulative);
        }

        Sample(text, name + "_sum", series.Tags, null, series.SumDouble());
        Sample(text, name + "_count", series.Tags, null, cumulative);
    }

    private static void Sample(StringBuilder text, string name, KeyValuePair<string, object?>[] tags, string? le, double value)
    {
        text.Append(name);
        if (tags.Length > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var tag in tags)
            {
                Label(text, ref first, Sanitize(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "");
            }

            if (le is not null)
            {
                Label(text, ref first, "le", le);
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static void Label(StringBuilder text, ref bool first, string key, string value)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(key).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }

    private static string Name(string instrument, string? unit)
    {
        var name = Sanitize(instrument);
        var suffix = unit switch
        {
            "By" => "_bytes",
            "s" => "_seconds",
            _ => "",
        };
        return name.EndsWith(suffix, StringComparison.Ordinal) ? name : name + suffix;
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':' ? c : '_');
        }

        return builder.ToString();
    }

    private static string Number(double value)
        => double.IsPositiveInfinity(value) ? "+Inf"
            : double.IsNegativeInfinity(value) ? "-Inf"
            : double.IsNaN(value) ? "NaN"
            : value.ToString("R", CultureInfo.InvariantCulture);
}
