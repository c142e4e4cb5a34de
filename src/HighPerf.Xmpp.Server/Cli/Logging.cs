using HighPerf.Xmpp.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Server.Cli;

/// <summary>Console logging at the configured level (no per-stanza output above Trace).</summary>
internal static class Logging
{
    public static ILoggerFactory Create(ServerConfig config)
    {
        var level = Enum.Parse<LogLevel>(config.Logging.Level);
        return LoggerFactory.Create(builder => builder
            .SetMinimumLevel(level)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                options.UseUtcTimestamp = true;
            }));
    }
}
