using System.Globalization;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Time;

/// <summary>XEP-0202 entity time of the server: its UTC offset and the UTC time (XEP-0082 format).</summary>
public sealed class TimeModule : IXmppModule, IIqHandler
{
    public string Name => "time";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddIqHandler("urn:xmpp:time"u8, "time"u8, IqTarget.Server, this);
        registry.AddFeature("urn:xmpp:time");
    }

    public void HandleIq(ref IqRequest request)
    {
        if (request.Type != IqType.Get)
        {
            request.ReplyError(StanzaErrorCondition.BadRequest);
            return;
        }

        var writer = ScratchWriter.RentPayload();
        Write(writer, DateTimeOffset.Now);
        request.ReplyResult(writer.WrittenSpan);
    }

    internal static void Write(PooledBufferWriter writer, DateTimeOffset now)
    {
        writer.Write("<time xmlns='urn:xmpp:time'><tzo>"u8);
        var offset = now.Offset;
        writer.Write(offset < TimeSpan.Zero ? "-"u8 : "+"u8);
        var span = writer.GetSpan(64);
        offset.Duration().TryFormat(span, out var length, "hh\\:mm", CultureInfo.InvariantCulture);
        writer.Advance(length);
        writer.Write("</tzo><utc>"u8);
        span = writer.GetSpan(64);
        now.UtcDateTime.TryFormat(span, out length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.Advance(length);
        writer.Write("</utc></time>"u8);
    }
}
