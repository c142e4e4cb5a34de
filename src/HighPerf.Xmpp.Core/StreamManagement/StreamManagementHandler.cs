using System.Buffers.Text;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// XEP-0198 (urn:xmpp:sm:3) nonzas: &lt;enable/&gt;, &lt;r/&gt;, &lt;a/&gt; after bind, &lt;resume/&gt; after SASL and
/// before bind; the &lt;sm/&gt; stream feature after SASL. The counting itself lives in the session
/// (XmppSession.StreamManagement.cs), where stanzas are handed to the transport.
/// </summary>
public sealed class StreamManagementHandler : IStreamElementHandler, IStreamFeatureProvider
{
    public StreamManagementHandler(XmppServer server, StreamManagementOptions options)
    {
        Options = options;
        Logger = server.Logger;
        Rerouter = new UnackedRerouter(server);
    }

    public static ReadOnlySpan<byte> Namespace => "urn:xmpp:sm:3"u8;

    public StreamManagementOptions Options { get; }

    /// <summary>Resumable sessions (attached or detached) known right now.</summary>
    public int ResumableSessions => Registry.Count;

    internal ResumptionRegistry Registry { get; } = new();

    internal UnackedRerouter Rerouter { get; }

    internal Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>At shutdown: every detached session ends now (its unacknowledged messages go to offline storage
    /// before the store's final commit) instead of waiting for a timeout that would fire into a stopped server.</summary>
    public void EndDetachedSessions()
    {
        foreach (var session in Registry.Snapshot())
        {
            session.EndIfDetached("system-shutdown");
        }
    }

    public void WriteFeatures(XmppSession session, PooledBufferWriter writer)
        => writer.Write("<sm xmlns='urn:xmpp:sm:3'/>"u8);

    public bool HandleElement(XmppSession session, in XmlElement element)
    {
        var name = element.LocalName;
        if (name.SequenceEqual("r"u8))
        {
            if (!session.IsStreamManagementEnabled)
            {
                return Failed(session, "unexpected-request"u8);
            }

            Span<byte> ack = stackalloc byte[48];
            var head = "<a xmlns='urn:xmpp:sm:3' h='"u8;
            head.CopyTo(ack);
            var at = head.Length;
            Utf8Formatter.TryFormat(session.HandledCount, ack[at..], out var written);
            at += written;
            "'/>"u8.CopyTo(ack[at..]);
            session.SendNonza(ack[..(at + 3)]);
            return true;
        }

        var reader = XmlElementReader.Create(element.Raw, Namespace);
        if (name.SequenceEqual("a"u8))
        {
            if (!session.IsStreamManagementEnabled)
            {
                return true; // an ack for nothing: ignored
            }

            if (!TryGetCount(reader, out var h))
            {
                session.CloseWithStreamError(StreamErrorCondition.InvalidXml);
                return false;
            }

            if (!session.Acknowledge(h, out var sent))
            {
                // XEP-0198 §4: acknowledging more than was sent is a protocol error.
                session.CloseWithStreamError(StreamErrorCondition.UndefinedCondition, HandledCountTooHigh(h, sent));
                return false;
            }

            return true;
        }

        if (name.SequenceEqual("enable"u8))
        {
            return Enable(session, reader);
        }

        if (name.SequenceEqual("resume"u8))
        {
            return Resume(session, reader);
        }

        session.CloseWithStreamError(StreamErrorCondition.UnsupportedStanzaType);
        return false;
    }

    private bool Enable(XmppSession session, XmlElementReader reader)
    {
        if (!session.IsBound || session.IsStreamManagementEnabled)
        {
            // XEP-0198 §3: before bind, or a second time.
            return Failed(session, "unexpected-request"u8);
        }

        var timeout = Options.ResumptionTimeout;
        var resumable = timeout > TimeSpan.Zero
            && reader.TryGetAttribute("resume"u8, out var resume) && (resume.SequenceEqual("true"u8) || resume.SequenceEqual("1"u8));
        if (resumable && reader.TryGetAttribute("max"u8, out var max) && Utf8Parser.TryParse(max, out uint seconds, out var used)
            && used == max.Length && seconds > 0 && seconds < timeout.TotalSeconds)
        {
            timeout = TimeSpan.FromSeconds(seconds); // the client's preferred maximum, when shorter (XEP-0198 §5)
        }

        session.EnableStreamManagement(this, resumable, timeout);
        return true;
    }

    private bool Resume(XmppSession session, XmlElementReader reader)
    {
        if (!session.IsAuthenticated || session.IsBound || session.IsStreamManagementEnabled)
        {
            return Failed(session, "unexpected-request"u8);
        }

        if (!reader.TryGetAttribute("previd"u8, out var previd) || !TryGetCount(reader, out var h) || previd.Length > 64)
        {
            return Failed(session, "bad-request"u8);
        }

        var previous = Registry.Find(Encoding.ASCII.GetString(previd));
        if (previous is null || !previous.BareJid.SequenceEqual(session.BareJid))
        {
            // Unknown, expired, or another account's id: all look the same to the client.
            return Failed(session, "item-not-found"u8);
        }

        switch (session.TryResumeInto(previous, h, out var sent))
        {
            case ResumeOutcome.Resumed:
                return false; // the rest of this read belongs to the resumed session
            case ResumeOutcome.HandledCountTooHigh:
                var writer = ScratchWriter.Rent();
                writer.Write("<failed xmlns='urn:xmpp:sm:3'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"u8);
                writer.Write(HandledCountTooHigh(h, sent));
                writer.Write("</failed>"u8);
                session.SendNonza(writer.WrittenSpan);
                return true;
            default:
                return Failed(session, "item-not-found"u8);
        }
    }

    private static bool Failed(XmppSession session, ReadOnlySpan<byte> condition)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<failed xmlns='urn:xmpp:sm:3'><"u8);
        writer.Write(condition);
        writer.Write(" xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"u8);
        session.SendNonza(writer.WrittenSpan);
        return true;
    }

    private static bool TryGetCount(XmlElementReader reader, out uint h)
    {
        h = 0;
        return reader.TryGetAttribute("h"u8, out var value) && Utf8Parser.TryParse(value, out h, out var used) && used == value.Length;
    }

    private static byte[] HandledCountTooHigh(uint h, uint sent)
        => Encoding.ASCII.GetBytes($"<handled-count-too-high xmlns='urn:xmpp:sm:3' h='{h}' send-count='{sent}'/>");
}
