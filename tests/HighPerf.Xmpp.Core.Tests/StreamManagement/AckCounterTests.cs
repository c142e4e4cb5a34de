using HighPerf.Xmpp.Core.StreamManagement;

namespace HighPerf.Xmpp.Core.Tests.StreamManagement;

public sealed class AckCounterTests
{
    [Fact]
    public void H_wraps_to_zero_after_2_pow_32_minus_1_and_acks_across_the_wrap()
    {
        var counter = new AckCounter { Sent = uint.MaxValue - 1, Acked = uint.MaxValue - 1 };
        counter.OnSent(); // MaxValue
        counter.OnSent(); // 0
        counter.OnSent(); // 1
        Assert.Equal(1u, counter.Sent);
        Assert.Equal(3u, counter.Outstanding);

        Assert.True(counter.TryAcknowledge(0, out var first)); // acks MaxValue and 0
        Assert.Equal(2u, first);
        Assert.Equal(1u, counter.Outstanding);
        Assert.True(counter.TryAcknowledge(1, out var second));
        Assert.Equal(1u, second);
        Assert.Equal(0u, counter.Outstanding);
    }

    [Fact]
    public void Acknowledging_more_than_was_sent_is_refused_and_changes_nothing()
    {
        var counter = new AckCounter { Sent = uint.MaxValue, Acked = uint.MaxValue - 2 };
        Assert.False(counter.TryAcknowledge(0, out var acked)); // one past what was sent, across the wrap
        Assert.Equal(0u, acked);
        Assert.Equal(2u, counter.Outstanding);
        Assert.False(counter.TryAcknowledge(uint.MaxValue - 3, out _)); // behind the last ack: "more" mod 2^32
        Assert.True(counter.TryAcknowledge(uint.MaxValue - 2, out var none)); // repeating the last h is fine
        Assert.Equal(0u, none);
    }
}
