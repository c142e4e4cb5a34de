using System.Buffers;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>
/// Copies a raw attribute value (as the tokenizer reported it: escaped, from either quote style) into a
/// single-quoted attribute we write. The only character that can break out is the apostrophe of a
/// double-quoted original, so it alone is re-escaped.
/// </summary>
public static class EscapingWriter
{
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> rawValue)
    {
        while (true)
        {
            var quote = rawValue.IndexOf((byte)'\'');
            var chunk = quote < 0 ? rawValue : rawValue[..quote];
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
            if (quote < 0)
            {
                return;
            }

            "&apos;"u8.CopyTo(writer.GetSpan(6));
            writer.Advance(6);
            rawValue = rawValue[(quote + 1)..];
        }
    }

    /// <summary>Writes ` name='value'` with the value escaped for a single-quoted attribute.</summary>
    public static void WriteAttribute(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> rawValue)
    {
        var head = writer.GetSpan(name.Length + 3);
        head[0] = (byte)' ';
        name.CopyTo(head[1..]);
        head[name.Length + 1] = (byte)'=';
        head[name.Length + 2] = (byte)'\'';
        writer.Advance(name.Length + 3);
        Write(writer, rawValue);
        writer.GetSpan(1)[0] = (byte)'\'';
        writer.Advance(1);
    }

    /// <summary>Writes ` name='value'` escaping an unescaped UTF-8 value (&amp; &lt; &gt; ' are escaped).</summary>
    public static void WriteEscapedAttribute(IBufferWriter<byte> writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var head = writer.GetSpan(name.Length + 3);
        head[0] = (byte)' ';
        name.CopyTo(head[1..]);
        head[name.Length + 1] = (byte)'=';
        head[name.Length + 2] = (byte)'\'';
        writer.Advance(name.Length + 3);
        WriteEscaped(writer, value);
        writer.GetSpan(1)[0] = (byte)'\'';
        writer.Advance(1);
    }

    /// <summary>Escapes text or an attribute value (the four characters that matter in single-quoted XML).</summary>
    public static void WriteEscaped(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            var special = value.IndexOfAny("&<>'"u8);
            var chunk = special < 0 ? value : value[..special];
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
            if (special < 0)
            {
                return;
            }

            var entity = value[special] switch
            {
                (byte)'&' => "&amp;"u8,
                (byte)'<' => "&lt;"u8,
                (byte)'>' => "&gt;"u8,
                _ => "&apos;"u8,
            };
            entity.CopyTo(writer.GetSpan(entity.Length));
            writer.Advance(entity.Length);
            value = value[(special + 1)..];
        }
    }
}
