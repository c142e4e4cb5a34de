using System.Globalization;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>The &lt;body/&gt; wrappers the connection manager answers with (XEP-0124 §7-§8, XEP-0206).</summary>
internal static class BoshBodies
{
    public static ReadOnlySpan<byte> Empty => "<body xmlns='http://jabber.org/protocol/httpbind'/>"u8;

    private static ReadOnlySpan<byte> Open => "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:stream='http://etherx.jabber.org/streams'"u8;

    private static ReadOnlySpan<byte> CloseTag => "</body>"u8;

    /// <summary>A response carrying <paramref name="payload"/> (standalone elements), with 'ack' when it answers a
    /// request older than the newest one seen (§9.1).</summary>
    public static byte[] Data(ReadOnlySpan<byte> payload, long ack)
    {
        if (payload.IsEmpty && ack <= 0)
        {
            return Empty.ToArray();
        }

        var writer = ScratchWriter.Rent();
        writer.Write(Open);
        if (ack > 0)
        {
            WriteNumber(writer, " ack='"u8, ack);
        }

        if (payload.IsEmpty)
        {
            writer.Write("/>"u8);
        }
        else
        {
            writer.Write(">"u8);
            writer.Write(payload);
            writer.Write(CloseTag);
        }

        return writer.ToArray();
    }

    /// <summary>type='terminate' with a condition (empty: a normal end), carrying what was still queued.</summary>
    public static byte[] Terminate(string condition, ReadOnlySpan<byte> payload)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<body type='terminate'"u8);
        if (condition.Length > 0)
        {
            writer.Write(" condition='"u8);
            writer.Write(Encoding.ASCII.GetBytes(condition));
            writer.Write("'"u8);
        }

        writer.Write(" xmlns='http://jabber.org/protocol/httpbind' xmlns:stream='http://etherx.jabber.org/streams'"u8);
        if (payload.IsEmpty)
        {
            writer.Write("/>"u8);
        }
        else
        {
            writer.Write(">"u8);
            writer.Write(payload);
            writer.Write(CloseTag);
        }

        return writer.ToArray();
    }

    /// <summary>The session creation response (XEP-0124 §7.2, XEP-0206 §3): the granted limits, the stream's id and
    /// domain, and the first stream features.</summary>
    public static byte[] Created(BoshSession session, ReadOnlySpan<byte> from, ReadOnlySpan<byte> streamId, long ack, ReadOnlySpan<byte> features)
    {
        var writer = ScratchWriter.Rent();
        writer.Write(Open);
        writer.Write(" xmlns:xmpp='urn:xmpp:xbosh' sid='"u8);
        writer.Write(Encoding.ASCII.GetBytes(session.Sid));
        writer.Write("'"u8);
        WriteNumber(writer, " wait='"u8, session.Wait);
        WriteNumber(writer, " requests='"u8, session.Requests);
        WriteNumber(writer, " hold='"u8, session.Hold);
        WriteNumber(writer, " inactivity='"u8, session.Inactivity);
        WriteNumber(writer, " polling='"u8, session.Polling);
        if (ack > 0)
        {
            WriteNumber(writer, " ack='"u8, ack);
        }

        writer.Write(" ver='1.11' xmpp:version='1.0' xmpp:restartlogic='true' from='"u8);
        writer.Write(from);
        writer.Write("' authid='"u8);
        writer.Write(streamId);
        writer.Write("'>"u8);
        writer.Write(features);
        writer.Write(CloseTag);
        return writer.ToArray();
    }

    private static void WriteNumber(PooledBufferWriter writer, ReadOnlySpan<byte> nameAndQuote, long value)
    {
        writer.Write(nameAndQuote);
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        writer.Write(digits[..written]);
        writer.Write("'"u8);
    }
}
