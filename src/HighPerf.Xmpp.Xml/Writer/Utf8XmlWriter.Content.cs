using System.Buffers.Text;
using System.Text.Unicode;
using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Writer;

/// <summary>Attributes and character content: escaping, transcoding and base64 straight into the output.</summary>
public ref partial struct Utf8XmlWriter
{
    /// <summary>UTF-16 input is transcoded through a stack buffer of this many bytes at a time.</summary>
    private const int TranscodeChunkBytes = 256;

    /// <summary>Base64 input per output request: a multiple of 3, so that only the last piece pads.</summary>
    private const int Base64ChunkBytes = 3 * 1024;

    /// <summary>Writes name='value' with the UTF-8 value escaped.</summary>
    public void WriteAttribute(ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8Value)
    {
        WriteAttributeStart(name);
        WriteEscaped(utf8Value, attribute: true);
        WriteByte((byte)'\'');
    }

    /// <summary>Writes name='value' with the UTF-16 value transcoded and escaped (lone surrogates become U+FFFD).</summary>
    public void WriteAttribute(ReadOnlySpan<byte> name, ReadOnlySpan<char> value)
    {
        WriteAttributeStart(name);
        WriteEscaped(value, attribute: true);
        WriteByte((byte)'\'');
    }

    /// <summary>Writes name='value' with the value in invariant decimal form.</summary>
    public void WriteAttribute(ReadOnlySpan<byte> name, long value)
    {
        WriteAttributeStart(name);
        var span = _output.GetSpan(21);
        Utf8Formatter.TryFormat(value, span, out var written);
        span[written] = (byte)'\'';
        _output.Advance(written + 1);
    }

    /// <summary>Writes name='value' with a value that is already escaped for a '-quoted attribute
    /// (for example a raw value taken from a validated stanza that was quoted with ').</summary>
    public void WriteAttributeRaw(ReadOnlySpan<byte> name, ReadOnlySpan<byte> escapedValue)
    {
        WriteAttributeStart(name);
        WriteBytes(escapedValue);
        WriteByte((byte)'\'');
    }

    /// <summary>Writes escaped UTF-8 text, closing an open start tag first.</summary>
    public void WriteText(ReadOnlySpan<byte> utf8)
    {
        CloseStartTag();
        WriteEscaped(utf8, attribute: false);
    }

    /// <summary>Writes UTF-16 text transcoded and escaped, closing an open start tag first.</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        CloseStartTag();
        WriteEscaped(text, attribute: false);
    }

    /// <summary>Writes data as base64 text (SASL payloads), closing an open start tag first. Empty data
    /// writes nothing: SASL's "=" for an empty response is the caller's to write.</summary>
    public void WriteBase64(ReadOnlySpan<byte> data)
    {
        CloseStartTag();
        while (!data.IsEmpty)
        {
            var piece = data[..Math.Min(data.Length, Base64ChunkBytes)];
            var span = _output.GetSpan(Base64.GetMaxEncodedToUtf8Length(piece.Length));
            Base64.EncodeToUtf8(piece, span, out var consumed, out var written, isFinalBlock: piece.Length == data.Length);
            _output.Advance(written);
            data = data[consumed..];
        }
    }

    private void WriteAttributeStart(ReadOnlySpan<byte> name)
    {
        if (!_startTagOpen)
        {
            Throw.InvalidOperation("Attributes can only be written right after WriteStartElement.");
        }

        var span = _output.GetSpan(name.Length + 3);
        span[0] = (byte)' ';
        name.CopyTo(span[1..]);
        span[name.Length + 1] = (byte)'=';
        span[name.Length + 2] = (byte)'\'';
        _output.Advance(name.Length + 3);
    }

    private readonly void WriteEscaped(ReadOnlySpan<byte> source, bool attribute)
    {
        while (!source.IsEmpty)
        {
            // At least one escape (6 bytes) fits, so every round makes progress.
            var span = _output.GetSpan(Math.Clamp(source.Length, 6, 4096));
            _ = attribute
                ? XmlEscaping.EscapeAttribute(source, span, out var consumed, out var written)
                : XmlEscaping.EscapeText(source, span, out consumed, out written);
            _output.Advance(written);
            source = source[consumed..];
        }
    }

    private readonly void WriteEscaped(ReadOnlySpan<char> source, bool attribute)
    {
        Span<byte> utf8 = stackalloc byte[TranscodeChunkBytes];
        while (!source.IsEmpty)
        {
            // Stops only between whole scalars when the buffer is full; invalid UTF-16 becomes U+FFFD.
            Utf8.FromUtf16(source, utf8, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            WriteEscaped(utf8[..written], attribute);
            source = source[read..];
        }
    }
}
