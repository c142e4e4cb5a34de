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
}
