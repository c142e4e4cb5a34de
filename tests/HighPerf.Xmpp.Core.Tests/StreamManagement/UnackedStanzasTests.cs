using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.StreamManagement;

namespace HighPerf.Xmpp.Core.Tests.StreamManagement;

public sealed class UnackedStanzasTests
{
    private static List<string> Contents(UnackedStanzas queue)
    {
        var result = new List<string>();
        var cursor = queue.GetCursor();
        while (cursor.MoveNext())
        {
            result.Add(Encoding.UTF8.GetString(cursor.Current));
        }

        return result;
    }

    [Fact]
    public void Stanzas_come_back_oldest_first_and_acked_ones_are_dropped()
    {
        var queue = new UnackedStanzas();
        for (var i = 0; i < 100; i++)
        {
            queue.Append(new OutboundParts("<message id='"u8, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "'/>"u8));
        }

        Assert.Equal(100, queue.Count);
        queue.DropOldest(97);
        Assert.Equal(["<message id='97'/>", "<message id='98'/>", "<message id='99'/>"], Contents(queue));
        Assert.Equal(3 * 18, queue.Bytes);
    }

    [Fact]
    public void A_fully_acknowledged_queue_holds_no_pooled_arrays()
    {
        var queue = new UnackedStanzas();
        queue.Append(new OutboundParts(new byte[3000]));
        Assert.True(queue.CapacityBytes >= 3000);
        queue.DropOldest(1);
        Assert.Equal(0, queue.CapacityBytes);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Appending_after_acks_reuses_the_space_and_keeps_order()
    {
        var queue = new UnackedStanzas();
        var expected = new Queue<string>();
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < 7; i++)
            {
                var text = $"<iq id='{round}-{i}'>{new string('x', (round * 13 + i) % 200)}</iq>";
                queue.Append(new OutboundParts(Encoding.UTF8.GetBytes(text)));
                expected.Enqueue(text);
            }

            queue.DropOldest(5);
            for (var i = 0; i < 5; i++)
            {
                expected.Dequeue();
            }

            Assert.Equal(expected.ToList(), Contents(queue));
        }

        var taken = queue.TakeAll();
        Assert.Equal(0, queue.Count);
        Assert.Equal(expected.ToList(), Contents(taken));
        taken.Release();
    }

    [Fact]
    public void TakeAfter_keeps_the_first_ones_takes_the_oldest_of_the_rest_and_closes_the_gap()
    {
        var queue = new UnackedStanzas();
        var all = new List<string>();

        // A ring that has wrapped: acks moved its start before the later appends.
        for (var i = 0; i < 20; i++)
        {
            queue.Append(new OutboundParts(Encoding.UTF8.GetBytes($"<old{i:00}/>")));
        }

        queue.DropOldest(18);
        all.AddRange(["<old18/>", "<old19/>"]);
        for (var i = 0; i < 30; i++)
        {
            var text = $"<m{i:00}>{new string('x', 10)}</m{i:00}>";
            queue.Append(new OutboundParts(Encoding.UTF8.GetBytes(text)));
            all.Add(text);
        }

        var target = queue.Bytes - (10 * all[2].Length);
        var taken = queue.TakeAfter(keep: 2, targetBytes: target);
        Assert.Equal(all.Skip(2).Take(10).ToList(), Contents(taken));
        Assert.Equal([.. all.Take(2), .. all.Skip(12)], Contents(queue));
        Assert.True(queue.Bytes <= target);
        taken.Release();

        // Appends after a take keep order.
        queue.Append(new OutboundParts("<late/>"u8));
        Assert.Equal("<late/>", Contents(queue)[^1]);
        Assert.Equal(2 + 20 + 1, queue.Count);
    }

    [Fact]
    public void TakeAfter_never_takes_the_kept_ones_even_when_they_alone_exceed_the_target()
    {
        var queue = new UnackedStanzas();
        queue.Append(new OutboundParts(new byte[500]));
        queue.Append(new OutboundParts(new byte[500]));
        queue.Append(new OutboundParts("<after/>"u8));
        var taken = queue.TakeAfter(keep: 2, targetBytes: 100);
        Assert.Equal(["<after/>"], Contents(taken));
        Assert.Equal(2, queue.Count);
        Assert.Equal(1000, queue.Bytes);
        Assert.Equal(0, queue.TakeAfter(keep: 2, targetBytes: 0).Count);
        taken.Release();
    }
}
