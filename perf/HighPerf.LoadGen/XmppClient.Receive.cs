using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace HighPerf.LoadGen;

/// <summary>
/// The receive loop of an established session: chat messages carrying our send timestamp feed the latency
/// histogram; presences are counted; iq requests from the server (pings) are answered so that no server drops us.
/// Nothing is allocated per message.
/// </summary>
internal sealed partial class XmppClient
{
    public async Task ReceiveLoopAsync(Counters counters, LatencyHistogram latency)
    {
        try
        {
            while (true)
            {
                var (unit, start, length) = await NextAsync().ConfigureAwait(false);
                if (unit == XmlSplitter.Unit.StreamEnd)
                {
                    break;
                }

                if (unit == XmlSplitter.Unit.Element && Handle(start, length, counters, latency) is { } reply)
                {
                    await SendTextAsync(reply, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        Closed = true;
        Interlocked.Increment(ref counters.Disconnected);
    }

    /// <summary>Handles one stanza; returns a reply to send (rare: iq requests), else null.</summary>
    private string? Handle(int start, int length, Counters counters, LatencyHistogram latency)
    {
        var element = Bytes(start, length);
        var name = Xml.LocalName(element);
        if (name.SequenceEqual("message"u8))
        {
            if (Xml.TryGetAttribute(element, "type"u8, out var type) && type.SequenceEqual("error"u8))
            {
                Interlocked.Increment(ref counters.MessageErrors);
            }
            else if (Xml.TryGetChildText(element, "<body"u8, "</body>"u8, out var body) && body.Length > 1 && body[0] == (byte)'L'
                && Utf8Parser.TryParse(body[1..], out long sentAt, out _))
            {
                latency.Record((long)((Stopwatch.GetTimestamp() - sentAt) * (1e9 / Stopwatch.Frequency)));
                Interlocked.Increment(ref counters.Delivered);
            }
        }
        else if (name.SequenceEqual("presence"u8))
        {
            if (!Xml.TryGetAttribute(element, "type"u8, out var type))
            {
                Interlocked.Increment(ref counters.PresenceReceived);
            }
            else if (type.SequenceEqual("subscribe"u8) && Xml.TryGetAttribute(element, "from"u8, out var from))
            {
                // Requests are approved (and, in the roster ring, returned) whatever the scenario.
                return Ring is { } ring ? ring.Answer(Index, from) : $"<presence type='subscribed' to='{Encoding.UTF8.GetString(from)}'/>";
            }
            else if (type.SequenceEqual("subscribed"u8))
            {
                Interlocked.Increment(ref counters.Subscribed);
            }
            else
            {
                Interlocked.Increment(ref counters.PresenceReceived);
            }
        }
        else if (name.SequenceEqual("iq"u8))
        {
            if (Xml.TryGetAttribute(element, "type"u8, out var type) && (type.SequenceEqual("get"u8) || type.SequenceEqual("set"u8)))
            {
                Interlocked.Increment(ref counters.IqAnswered);
                Xml.TryGetAttribute(element, "id"u8, out var id);
                var to = Xml.TryGetAttribute(element, "from"u8, out var from) ? $" to='{Encoding.UTF8.GetString(from)}'" : "";
                return $"<iq type='result' id='{Encoding.UTF8.GetString(id)}'{to}/>";
            }
        }
        else if (name.SequenceEqual("error"u8))
        {
            Interlocked.Increment(ref counters.StreamErrors);
        }

        return null;
    }

    /// <summary>roster-presence: fetches the roster (counting its items) before the initial presence.</summary>
    public async Task<int> FetchRosterAsync(CancellationToken cancel)
    {
        await SendTextAsync("<iq type='get' id='roster1'><query xmlns='jabber:iq:roster'/></iq>", cancel).ConfigureAwait(false);
        var reply = await ExpectElementAsync(cancel).ConfigureAwait(false);
        var items = 0;
        for (var at = reply.Text.IndexOf("<item", StringComparison.Ordinal); at >= 0; at = reply.Text.IndexOf("<item", at + 5, StringComparison.Ordinal))
        {
            items++;
        }

        return items;
    }
}
