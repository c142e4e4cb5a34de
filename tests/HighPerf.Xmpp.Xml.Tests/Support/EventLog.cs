using System.Text;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Support;

/// <summary>Records tokenizer events as strings, so that two runs compare with one Assert.Equal.</summary>
public sealed class EventLog
{
    public List<string> Events { get; } = [];

    public List<Captured> Captured { get; } = [];

    /// <summary>False to record only the event strings (the every-split-point loops run many thousands of streams).</summary>
    public bool Detailed { get; init; } = true;

    /// <summary>When set, the sink returns false after this many events (then the harness re-feeds).</summary>
    public int StopEvery { get; set; }

    public byte[]? CurrentInput { get; set; }

    /// <summary>How many reported Raw spans were slices of the caller's input (zero copy).</summary>
    public int ZeroCopyCount { get; set; }

    public void Add(string text) => Events.Add(text);

    public bool Continue() => StopEvery == 0 || Events.Count % StopEvery != 0;

    public void NoteRaw(ReadOnlySpan<byte> raw)
    {
        if (CurrentInput is not null && ((ReadOnlySpan<byte>)CurrentInput).Overlaps(raw))
        {
            ZeroCopyCount++;
        }
    }

    public static string Describe(in StreamHeader header)
    {
        var raw = header.Raw;
        var text = new StringBuilder("open");
        text.Append(" local=").Append(S(header.LocalName));
        text.Append(" ns=").Append(S(header.Namespace));
        text.Append(" default=").Append(S(header.DefaultNamespace));
        Range(text, "to", header.To, raw);
        Range(text, "from", header.From, raw);
        Range(text, "version", header.Version, raw);
        Range(text, "lang", header.Lang, raw);
        Range(text, "id", header.Id, raw);
        text.Append(" raw=").Append(S(raw));
        return text.ToString();
    }

    public static string Describe(in XmlElement element)
    {
        var raw = element.Raw;
        var text = new StringBuilder("element");
        text.Append(" local=").Append(S(element.LocalName));
        text.Append(" ns=").Append(S(element.Namespace));
        text.Append(" nameEnd=").Append(element.NameEnd);
        text.Append(" startTagEnd=").Append(element.StartTagEnd);
        text.Append(" empty=").Append(element.IsEmpty);
        Range(text, "to", element.To, raw);
        Range(text, "from", element.From, raw);
        Range(text, "type", element.Type, raw);
        Range(text, "id", element.Id, raw);
        Range(text, "lang", element.Lang, raw);
        text.Append(" raw=").Append(S(raw));
        return text.ToString();
    }

    public static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static void Range(StringBuilder text, string name, AttributeRange range, ReadOnlySpan<byte> raw)
    {
        if (range.IsPresent)
        {
            text.Append(' ').Append(name).Append('=').Append(S(range.Value(raw)))
                .Append('@').Append(range.ValueStart).Append('/').Append(range.AttributeStart).Append('-').Append(range.AttributeEnd);
        }
    }
}
