using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.TestKit.Logging;

public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {EventId} {Message}";
}
