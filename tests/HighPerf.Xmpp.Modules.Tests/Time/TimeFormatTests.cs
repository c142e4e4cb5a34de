using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Modules.Time;

namespace HighPerf.Xmpp.Modules.Tests.Time;

public sealed class TimeFormatTests
{
    [Theory]
    [InlineData(-6, "-06:00")]
    [InlineData(0, "+00:00")]
    [InlineData(5.5, "+05:30")]
    public void Entity_time_has_the_offset_and_the_utc_time_in_xep_0082_form(double hours, string tzo)
    {
        using var writer = new PooledBufferWriter();
        var now = new DateTimeOffset(2006, 12, 19, 17, 58, 35, 123, TimeSpan.FromHours(hours));
        TimeModule.Write(writer, now);
        var utc = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"<time xmlns='urn:xmpp:time'><tzo>{tzo}</tzo><utc>{utc}</utc></time>", Encoding.UTF8.GetString(writer.WrittenSpan));
    }
}
