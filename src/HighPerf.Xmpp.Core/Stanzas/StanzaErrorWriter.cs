using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>
/// Builds the error reply to a stanza (RFC 6120 §8.3): same element name and id, type='error', 'from' and
/// 'to' swapped, and the pre-encoded &lt;error/&gt; child. The original payload is not echoed (RFC 6120
/// allows either): its namespace declarations may live on the start tag we do not copy.
/// </summary>
public static class StanzaErrorWriter
{
    /// <param name="localName">message, presence or iq.</param>
    /// <param name="rawId">The original 'id' value as received (raw), empty when absent.</param>
    /// <param name="from">Normalized address the error comes from (the original 'to'), empty to omit.</param>
    /// <param name="to">Normalized address of the original sender.</param>
    public static void Write(
        PooledBufferWriter writer,
        ReadOnlySpan<byte> localName,
        ReadOnlySpan<byte> rawId,
        bool hasId,
        ReadOnlySpan<byte> from,
        ReadOnlySpan<byte> to,
        StanzaErrorCondition condition)
    {
        writer.Write("<"u8);
        writer.Write(localName);
        if (!from.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "from"u8, from);
        }

        if (!to.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "to"u8, to);
        }

        writer.Write(" type='error'"u8);
        if (hasId)
        {
            EscapingWriter.WriteAttribute(writer, "id"u8, rawId);
        }

        writer.Write(">"u8);
        writer.Write(StanzaErrors.Get(condition));
        writer.Write("</"u8);
        writer.Write(localName);
        writer.Write(">"u8);
    }
}
