using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.HttpUpload;

/// <summary>The XEP-0363 §5 errors, with their text and application-specific children.</summary>
internal static class UploadErrors
{
    public static void FileTooLarge(XmppSession sender, in XmlElement request, ReadOnlySpan<byte> from, long maxFileSize)
    {
        var max = maxFileSize.ToString(CultureInfo.InvariantCulture);
        Send(sender, request, from, "modify", "not-acceptable", $"File too large. The maximum file size is {max} bytes",
            $"<file-too-large xmlns='urn:xmpp:http:upload:0'><max-file-size>{max}</max-file-size></file-too-large>");
    }

    public static void QuotaReached(XmppSession sender, in XmlElement request, ReadOnlySpan<byte> from, long quotaBytes, DateTimeOffset retry)
    {
        var stamp = retry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Send(sender, request, from, "wait", "resource-constraint",
            $"Quota reached. You can keep {quotaBytes.ToString(CultureInfo.InvariantCulture)} bytes of uploads at a time",
            $"<retry xmlns='urn:xmpp:http:upload:0' stamp='{stamp}'/>");
    }

    private static void Send(XmppSession sender, in XmlElement request, ReadOnlySpan<byte> from, string type, string condition, string text, string application)
    {
        using var writer = new PooledBufferWriter(512);
        writer.Write("<iq type='error'"u8);
        EscapingWriter.WriteAttribute(writer, "id"u8, request.IdValue);
        EscapingWriter.WriteEscapedAttribute(writer, "from"u8, from);
        EscapingWriter.WriteEscapedAttribute(writer, "to"u8, sender.FullJid);
        writer.Write(Encoding.UTF8.GetBytes(
            $"><error type='{type}'><{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            + $"<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>{text}</text>{application}</error></iq>"));
        sender.Send(writer.WrittenSpan);
    }
}
