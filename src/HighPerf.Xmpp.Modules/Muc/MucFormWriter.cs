using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Muc;

/// <summary>Writes the room configuration and room info forms (XEP-0004), with list-single options. Rare path: allocates.</summary>
internal sealed class MucFormWriter(int capacity) : IDisposable
{
    private readonly PooledBufferWriter _writer = new(capacity);

    public void Raw(string xml) => _writer.Write(Encoding.UTF8.GetBytes(xml));

    public void Field(string name, string type, string? label, string value)
    {
        Open(name, type, label);
        Value(value);
        Raw("</field>");
    }

    public void Field(string name, string type, string? label, bool value) => Field(name, type, label, value ? "1" : "0");

    public void ListSingle(string name, string label, string value, IEnumerable<string> options)
    {
        Open(name, "list-single", label);
        Value(value);
        foreach (var option in options.Distinct(StringComparer.Ordinal))
        {
            Raw("<option");
            EscapingWriter.WriteEscapedAttribute(_writer, "label"u8, Encoding.UTF8.GetBytes(option));
            Raw(">");
            Value(option);
            Raw("</option>");
        }

        Raw("</field>");
    }

    public void RawAttribute(string name, string value)
        => EscapingWriter.WriteEscapedAttribute(_writer, Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(value));

    public byte[] ToArray() => _writer.ToArray();

    public void Dispose() => _writer.Dispose();

    private void Open(string name, string type, string? label)
    {
        Raw("<field");
        EscapingWriter.WriteEscapedAttribute(_writer, "var"u8, Encoding.UTF8.GetBytes(name));
        EscapingWriter.WriteEscapedAttribute(_writer, "type"u8, Encoding.UTF8.GetBytes(type));

        if (label is not null)
        {
            EscapingWriter.WriteEscapedAttribute(_writer, "label"u8, Encoding.UTF8.GetBytes(label));
        }

        Raw(">");
    }

    private void Value(string value)
    {
        Raw("<value>");
        EscapingWriter.WriteEscaped(_writer, Encoding.UTF8.GetBytes(value));
        Raw("</value>");
    }
}
