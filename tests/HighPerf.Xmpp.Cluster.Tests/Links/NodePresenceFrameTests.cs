using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Cluster.Tests.Links;

/// <summary>The presence and probe frames read back what was written, and a truncated or altered one is refused.</summary>
public sealed class NodePresenceFrameTests
{
    private static readonly byte[] Presence = "<presence><show>away</show></presence>"u8.ToArray();

    [Fact]
    public void A_presence_frame_reads_back_its_source_recipients_and_stanza()
    {
        var frame = PresenceFrame();
        Assert.True(NodeFrame.TryReadAddressed(frame.AsSpan(NodeFrame.HeaderBytes), out var bare, out var resource, out var body));
        Assert.Equal("alice@localhost", Encoding.UTF8.GetString(bare));
        Assert.Equal("phone", Encoding.UTF8.GetString(resource));
        Assert.True(NodePresenceFrame.TryReadPresence(body, out var from, out var available, out var nameEnd, out var count, out var entries, out var stanza));
        Assert.Equal(" from='alice@localhost/phone'", Encoding.UTF8.GetString(from));
        Assert.True(available);
        Assert.Equal(9, nameEnd);
        Assert.Equal(2, count);
        Assert.Equal(Presence, stanza.ToArray());
        Assert.True(NodePresenceFrame.TryNextRecipient(ref entries, out var b1, out var r1));
        Assert.True(NodePresenceFrame.TryNextRecipient(ref entries, out var b2, out var r2));
        Assert.Equal(["bob@localhost/home", "carol@localhost/c"], [$"{Encoding.UTF8.GetString(b1)}/{Encoding.UTF8.GetString(r1)}", $"{Encoding.UTF8.GetString(b2)}/{Encoding.UTF8.GetString(r2)}"]);
        Assert.True(entries.IsEmpty);
    }

    [Fact]
    public void Every_truncation_of_a_presence_body_is_refused_or_reads_a_consistent_stanza()
    {
        var frame = PresenceFrame();
        Assert.True(NodeFrame.TryReadAddressed(frame.AsSpan(NodeFrame.HeaderBytes), out _, out _, out var whole));
        var body = whole.ToArray();
        for (var cut = 0; cut < body.Length - Presence.Length; cut++)
        {
            Assert.False(NodePresenceFrame.TryReadPresence(body.AsSpan(0, cut), out _, out _, out _, out _, out _, out _), $"cut at {cut}");
        }
    }

    [Fact]
    public void A_probe_frame_reads_back_its_contacts_and_a_count_past_its_list_is_refused()
    {
        using var entries = new PooledBufferWriter();
        NodePresenceFrame.AppendContact(entries, "bob@localhost"u8);
        NodePresenceFrame.AppendContact(entries, "carol@localhost"u8);
        using var frame = new PooledBufferWriter();
        NodePresenceFrame.WriteProbe(frame, "alice@localhost"u8, "phone"u8, 2, entries.WrittenSpan);
        var bytes = frame.WrittenSpan.ToArray();
        Assert.True(NodeFrame.TryReadAddressed(bytes.AsSpan(NodeFrame.HeaderBytes), out _, out _, out var body));
        Assert.True(NodePresenceFrame.TryReadProbe(body, out var count, out var list));
        Assert.Equal(2, count);
        Assert.True(NodePresenceFrame.TryNextContact(ref list, out var first));
        Assert.Equal("bob@localhost", Encoding.UTF8.GetString(first));

        var lying = body.ToArray();
        lying[1] = 3;
        Assert.False(NodePresenceFrame.TryReadProbe(lying, out _, out _));
    }

    private static byte[] PresenceFrame()
    {
        using var entries = new PooledBufferWriter();
        NodePresenceFrame.AppendRecipient(entries, "bob@localhost"u8, "home"u8);
        NodePresenceFrame.AppendRecipient(entries, "carol@localhost"u8, "c"u8);
        using var frame = new PooledBufferWriter();
        NodePresenceFrame.WritePresence(frame, "alice@localhost"u8, "phone"u8, " from='alice@localhost/phone'"u8, available: true,
            StanzaSlices.OfClean(Presence, 9), 2, entries.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }
}
