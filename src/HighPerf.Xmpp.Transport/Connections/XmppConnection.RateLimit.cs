using System.Diagnostics;
using DotNetty.Common.Concurrency;
using HighPerf.Xmpp.Transport.Hosting;

namespace HighPerf.Xmpp.Transport.Connections;

/// <summary>
/// The inbound rate limit: a token bucket of <see cref="TransportOptions.InboundBurstBytes"/> refilled at
/// <see cref="TransportOptions.InboundBytesPerSecond"/>. A read that empties it turns the channel's auto-read off
/// until the deficit is paid back, so a fast sender waits in its own socket buffer and then in TCP flow control:
/// nothing is dropped and nothing is buffered here. Costs one timestamp per read; the pause timer (one scheduled
/// task) exists only while a connection is over its rate.
/// </summary>
internal sealed partial class XmppConnection
{
    private long _tokens;
    private long _refilledAt;
    private IScheduledTask? _resumeTimer;

    private void Throttle(int length)
    {
        var rate = _options.InboundBytesPerSecond;
        var now = Stopwatch.GetTimestamp();
        var refill = (long)((double)(now - _refilledAt) * rate / Stopwatch.Frequency);
        if (refill > 0)
        {
            _tokens = Math.Min(_options.InboundBurstBytes, _tokens + refill);
            _refilledAt = now;
        }

        _tokens -= length;
        if (_tokens >= 0 || _resumeTimer is not null || _closing || _session.IsClosed)
        {
            return;
        }

        var channel = _ctx.Channel;
        channel.Configuration.AutoRead = false;
        _metrics.InboundPauses.Add(1);
        TransportLog.InboundPaused(_logger, _remote, rate);
        var wait = TimeSpan.FromSeconds((double)-_tokens / rate);
        _resumeTimer = _ctx.Executor.Schedule(static state => ((XmppConnection)state).ResumeReading(), this, wait);
    }

    private void ResumeReading()
    {
        _resumeTimer = null;
        if (!_closing && _ctx.Channel.Active)
        {
            // Setting auto-read back on also asks for the next read.
            _ctx.Channel.Configuration.AutoRead = true;
        }
    }
}
