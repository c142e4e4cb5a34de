using System.Buffers;
using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Writer;

/// <summary>
/// Writes UTF-8 XML straight into an <see cref="IBufferWriter{T}"/> (GetSpan/Advance), escaping in place;
/// no string is built. Every call advances the output, so there is nothing to flush and nothing lost if
/// the writer is dropped.
/// </summary>
/// <remarks>
/// Rules that keep the output well-formed:
/// <list type="bullet">
/// <item>A start tag stays open after <see cref="WriteStartElement"/> so attributes can follow; any content
/// (a child, text, raw bytes, base64) closes it with '&gt;' first.</item>
/// <item><see cref="WriteEndElement"/> on a start tag that is still open writes "/&gt;" (so &lt;x/&gt;, never &lt;x&gt;&lt;/x&gt;).</item>
/// <item>Attributes outside an open start tag, and ending more elements than were started, throw
/// <see cref="InvalidOperationException"/>: those are programming errors, never caused by data.</item>
/// <item>Attribute values are quoted with '. Text and values are escaped (see <see cref="XmlEscaping"/>);
/// bytes that XML cannot carry become U+FFFD. Names and <see cref="WriteRaw"/> bytes are written as given:
/// they come from code (u8 literals, validated stanzas), not from users.</item>
/// <item>End tags are not matched against start tags by name; only the depth is tracked.</item>
/// </list>
/// </remarks>
public ref partial struct Utf8XmlWriter
{
    private readonly IBufferWriter<byte> _output;
    private int _depth;
    private bool _startTagOpen;

    public Utf8XmlWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Elements started and not yet ended.</summary>
    public readonly int Depth => _depth;

    public readonly bool IsStartTagOpen => _startTagOpen;

    /// <summary>Writes "&lt;name" and leaves the start tag open for attributes.</summary>
    public void WriteStartElement(ReadOnlySpan<byte> name)
    {
        CloseStartTag();
        var span = _output.GetSpan(name.Length + 1);
        span[0] = (byte)'<';
        name.CopyTo(span[1..]);
        _output.Advance(name.Length + 1);
        _startTagOpen = true;
        _depth++;
    }

    /// <summary>Writes '&gt;' if a start tag is open; otherwise nothing.</summary>
    public void CloseStartTag()
    {
        if (_startTagOpen)
        {
            _startTagOpen = false;
            WriteByte((byte)'>');
        }
    }

    /// <summary>Ends the open start tag as an empty element: "/&gt;".</summary>
    public void WriteEndEmptyElement()
    {
        if (!_startTagOpen)
        {
            Throw.InvalidOperation("No start tag is open.");
        }

        _startTagOpen = false;
        _depth--;
        WriteTwo((byte)'/', (byte)'>');
    }

    /// <summary>Writes "&lt;/name&gt;", or "/&gt;" when the element's start tag is still open.</summary>
    public void WriteEndElement(ReadOnlySpan<byte> name)
    {
        if (_startTagOpen)
        {
            WriteEndEmptyElement();
            return;
        }

        if (_depth == 0)
        {
            Throw.InvalidOperation("No element to end.");
        }

        _depth--;
        var span = _output.GetSpan(name.Length + 3);
        span[0] = (byte)'<';
        span[1] = (byte)'/';
        name.CopyTo(span[2..]);
        span[name.Length + 2] = (byte)'>';
        _output.Advance(name.Length + 3);
    }

    /// <summary>Writes "&lt;name/&gt;".</summary>
    public void WriteEmptyElement(ReadOnlySpan<byte> name)
    {
        WriteStartElement(name);
        WriteEndEmptyElement();
    }

    /// <summary>Writes "&lt;name&gt;text&lt;/name&gt;" with the text escaped.</summary>
    public void WriteElement(ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8Text)
    {
        WriteStartElement(name);
        WriteText(utf8Text);
        WriteEndElement(name);
    }

    /// <summary>Writes bytes as they are (pre-encoded elements, already escaped text), closing an open start tag first.</summary>
    public void WriteRaw(ReadOnlySpan<byte> raw)
    {
        CloseStartTag();
        WriteBytes(raw);
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    private readonly void WriteByte(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }

    private readonly void WriteTwo(byte first, byte second)
    {
        var span = _output.GetSpan(2);
        span[0] = first;
        span[1] = second;
        _output.Advance(2);
    }
}
