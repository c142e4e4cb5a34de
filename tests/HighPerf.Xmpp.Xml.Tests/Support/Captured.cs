using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Xml.Tests.Support;

/// <summary>A copy of one event's data that outlives the sink callback.</summary>
public sealed record Captured(
    string Kind,
    byte[] Raw,
    string LocalName,
    string Namespace,
    string DefaultNamespace,
    int NameEnd,
    int StartTagEnd,
    bool IsEmpty,
    IReadOnlyDictionary<string, AttributeRange> Attributes)
{
    public string RawText => EventLog.S(Raw);

    public string? Value(string attribute) =>
        Attributes.TryGetValue(attribute, out var range) && range.IsPresent ? EventLog.S(range.Value(Raw)) : null;

    public static Captured From(in StreamHeader header) => new(
        "open",
        header.Raw.ToArray(),
        EventLog.S(header.LocalName),
        EventLog.S(header.Namespace),
        EventLog.S(header.DefaultNamespace),
        -1,
        header.Raw.Length,
        false,
        new Dictionary<string, AttributeRange>
        {
            ["to"] = header.To,
            ["from"] = header.From,
            ["version"] = header.Version,
            ["xml:lang"] = header.Lang,
            ["id"] = header.Id,
        });

    public static Captured From(in XmlElement element) => new(
        "element",
        element.Raw.ToArray(),
        EventLog.S(element.LocalName),
        EventLog.S(element.Namespace),
        string.Empty,
        element.NameEnd,
        element.StartTagEnd,
        element.IsEmpty,
        new Dictionary<string, AttributeRange>
        {
            ["to"] = element.To,
            ["from"] = element.From,
            ["type"] = element.Type,
            ["id"] = element.Id,
            ["xml:lang"] = element.Lang,
        });
}
