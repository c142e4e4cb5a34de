using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Http.Framing;

/// <summary>
/// The stream header the session's tokenizer is fed when an HTTP client opens (or restarts) a stream: an RFC 7395
/// &lt;open/&gt; or a XEP-0206 session request / restart carries 'to', 'version' and 'xml:lang'; the session then checks
/// them exactly as for a TCP client (host-unknown, unsupported-version, …).
/// </summary>
internal static class SyntheticHeader
{
    public static void Write(PooledBufferWriter writer, ReadOnlySpan<byte> to, ReadOnlySpan<byte> version, ReadOnlySpan<byte> lang)
    {
        writer.Write(FramingNames.SyntheticHeaderStart);
        WriteAttribute(writer, " to="u8, to);
        WriteAttribute(writer, " version="u8, version);
        WriteAttribute(writer, " xml:lang="u8, lang);
        writer.Write(">"u8);
    }

    /// <summary>Copies a raw (still escaped) value. A value that was quoted with " may hold a literal ', so it is
    /// quoted with " again; one quoted with ' holds no '.</summary>
    private static void WriteAttribute(PooledBufferWriter writer, ReadOnlySpan<byte> nameAndEquals, ReadOnlySpan<byte> rawValue)
    {
        if (rawValue.IsEmpty)
        {
            return;
        }

        var quote = rawValue.Contains((byte)'\'') ? "\""u8 : "'"u8;
        writer.Write(nameAndEquals);
        writer.Write(quote);
        writer.Write(rawValue);
        writer.Write(quote);
    }
}
