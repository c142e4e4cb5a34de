using System.Globalization;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>The stanzas of a query's answer (XEP-0313 §4.2): one &lt;result/&gt; message per archived message, then the &lt;fin/&gt;.</summary>
internal static class ArchiveResultWriter
{
    /// <summary>Bytes of result messages one query sends at most: a page is cut short (and not complete) beyond it, so
    /// that a large page does not trip the outbound queue's slow-reader bound.</summary>
    public const int MaxPageBytes = 192 * 1024;

    /// <summary>Per-result overhead beside the archived message (wrapper elements, ids, stamp).</summary>
    public const int ResultOverheadBytes = 400;

    public static void WriteResult(PooledBufferWriter writer, ReadOnlySpan<byte> to, ReadOnlySpan<byte> from, byte[]? queryId, in ArchivedMessage message)
    {
        Span<byte> id = stackalloc byte[ArchiveId.TextLength];
        message.Id.Format(id);
        writer.Write("<message"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, to);
        if (!from.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, "from"u8, from);
        }

        EscapingWriter.WriteAttribute(writer, "id"u8, id);
        writer.Write("><result xmlns='urn:xmpp:mam:2'"u8);
        if (queryId is not null)
        {
            EscapingWriter.WriteAttribute(writer, "queryid"u8, queryId);
        }

        EscapingWriter.WriteAttribute(writer, "id"u8, id);
        writer.Write("><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='"u8);
        WriteStamp(writer, message.TimestampUs);
        writer.Write("'/>"u8);
        writer.Write(message.Message.Span);
        writer.Write("</forwarded></result></message>"u8);
    }

    public static void WriteFin(PooledBufferWriter writer, IReadOnlyList<ArchivedMessage> page, bool complete, long count, long firstIndex)
    {
        writer.Write(complete ? "<fin xmlns='urn:xmpp:mam:2' complete='true'>"u8 : "<fin xmlns='urn:xmpp:mam:2'>"u8);
        writer.Write("<set xmlns='http://jabber.org/protocol/rsm'>"u8);
        Span<byte> id = stackalloc byte[ArchiveId.TextLength];
        if (page.Count > 0)
        {
            writer.Write("<first index='"u8);
            writer.Write(System.Text.Encoding.ASCII.GetBytes(firstIndex.ToString(CultureInfo.InvariantCulture)));
            writer.Write("'>"u8);
            page[0].Id.Format(id);
            writer.Write(id);
            writer.Write("</first><last>"u8);
            page[^1].Id.Format(id);
            writer.Write(id);
            writer.Write("</last>"u8);
        }

        writer.Write("<count>"u8);
        writer.Write(System.Text.Encoding.ASCII.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        writer.Write("</count></set></fin>"u8);
    }

    /// <summary>XEP-0082 DateTime in UTC with microseconds.</summary>
    public static void WriteStamp(PooledBufferWriter writer, long unixMicros)
    {
        var time = new DateTime(DateTime.UnixEpoch.Ticks + unixMicros * 10, DateTimeKind.Utc);
        var span = writer.GetSpan(32);
        time.TryFormat(span, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        writer.Advance(written);
    }
}
