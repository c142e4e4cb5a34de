using System.Buffers;
using System.Text;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.DataForms;

/// <summary>
/// Writes an XEP-0004 data form (&lt;x xmlns='jabber:x:data'/&gt;) into a reply buffer: Begin, then fields, then
/// End. Text is escaped here. Modules build their forms once at start-up (registration, server contact info), so
/// the string overloads' UTF-8 conversion is not on a per-request path.
/// </summary>
public readonly ref struct DataFormWriter
{
    private readonly IBufferWriter<byte> _writer;

    public DataFormWriter(IBufferWriter<byte> writer)
    {
        _writer = writer;
    }

    /// <summary>Opens the form. <paramref name="type"/>: form, submit, cancel or result (XEP-0004 §3.1).</summary>
    public void Begin(ReadOnlySpan<byte> type, string? title = null, string? instructions = null)
    {
        Raw("<x xmlns='jabber:x:data'"u8);
        EscapingWriter.WriteEscapedAttribute(_writer, "type"u8, type);
        Raw(">"u8);
        if (title is not null)
        {
            Element("title"u8, title);
        }

        if (instructions is not null)
        {
            Element("instructions"u8, instructions);
        }
    }

    /// <summary>The hidden FORM_TYPE field that names the form's schema (XEP-0068).</summary>
    public void FormType(string formType) => Field("FORM_TYPE", FieldTypes.Hidden, null, false, [formType]);

    /// <summary>One field with its values (none for an empty field of a form to fill in).</summary>
    public void Field(string name, string? type, string? label, bool required, ReadOnlySpan<string> values)
    {
        Raw("<field"u8);
        Attribute("var"u8, name);
        if (type is not null)
        {
            Attribute("type"u8, type);
        }

        if (label is not null)
        {
            Attribute("label"u8, label);
        }

        if (!required && values.IsEmpty)
        {
            Raw("/>"u8);
            return;
        }

        Raw(">"u8);
        if (required)
        {
            Raw("<required/>"u8);
        }

        foreach (var value in values)
        {
            Element("value"u8, value);
        }

        Raw("</field>"u8);
    }

    public void End() => Raw("</x>"u8);

    private void Element(ReadOnlySpan<byte> name, string text)
    {
        Raw("<"u8);
        Raw(name);
        Raw(">"u8);
        EscapingWriter.WriteEscaped(_writer, Encoding.UTF8.GetBytes(text));
        Raw("</"u8);
        Raw(name);
        Raw(">"u8);
    }

    private void Attribute(ReadOnlySpan<byte> name, string value)
        => EscapingWriter.WriteEscapedAttribute(_writer, name, Encoding.UTF8.GetBytes(value));

    private void Raw(ReadOnlySpan<byte> bytes) => _writer.Write(bytes);
}
