using HighPerf.Xmpp.Modules.Register;

namespace HighPerf.Xmpp.Modules.Tests.Register;

public sealed class RegistrationThrottleTests
{
    [Fact]
    public void Attempts_beyond_the_limit_are_refused_until_the_window_passes()
    {
        var time = new ManualTime();
        var throttle = new RegistrationThrottle(2, TimeSpan.FromMinutes(10), time);
        Assert.True(throttle.TryAcquire("192.0.2.1"));
        Assert.True(throttle.TryAcquire("192.0.2.1"));
        Assert.False(throttle.TryAcquire("192.0.2.1"));
        Assert.True(throttle.TryAcquire("192.0.2.2")); // another address has its own count

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(throttle.TryAcquire("192.0.2.1"));
    }

    [Fact]
    public void Many_addresses_do_not_grow_memory_without_bound()
    {
        var time = new ManualTime();
        var throttle = new RegistrationThrottle(1, TimeSpan.FromMinutes(10), time);
        for (var i = 0; i < RegistrationThrottle.MaxAddresses * 3; i++)
        {
            Assert.True(throttle.TryAcquire("a" + i));
        }

        // Recent addresses are still counted after pruning.
        Assert.False(throttle.TryAcquire("a" + ((RegistrationThrottle.MaxAddresses * 3) - 1)));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
