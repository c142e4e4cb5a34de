using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.TestKit.External;

/// <summary>
/// Turns the child's console log lines ("2026-01-01 12:00:00.000 info: Category[2000] message", the server's
/// single-line format) back into log entries on the test's logger factory, with the same category, level and
/// event id, so tests that wait for a logged event work against an external binary too. Every line is also kept
/// for failure messages.
/// </summary>
internal sealed partial class ServerLogForwarder(ILoggerFactory loggerFactory)
{
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The most detailed level the factory's loggers take, but never above Information.</summary>
    public static string MinimumLevelOf(ILoggerFactory factory)
    {
        var probe = factory.CreateLogger("HighPerf.Xmpp");
        return probe.IsEnabled(LogLevel.Trace) ? "Trace" : probe.IsEnabled(LogLevel.Debug) ? "Debug" : "Information";
    }

    public void Add(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = Entry().Match(line);
        if (!match.Success)
        {
            return; // an exception's stack lines, or stderr text: kept in Output only
        }

        ILogger logger;
        lock (_loggers)
        {
            var category = match.Groups["category"].Value;
            if (!_loggers.TryGetValue(category, out logger!))
            {
                logger = loggerFactory.CreateLogger(category);
                _loggers.Add(category, logger);
            }
        }

        var level = match.Groups["level"].Value switch
        {
            "trce" => LogLevel.Trace,
            "dbug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warn" => LogLevel.Warning,
            "fail" => LogLevel.Error,
            _ => LogLevel.Critical,
        };
        var eventId = new EventId(int.Parse(match.Groups["id"].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture));
        logger.Log(level, eventId, match.Groups["message"].Value, null, static (message, _) => message);
    }

    [GeneratedRegex(@"^(?:\S+ \S+ )?(?<level>trce|dbug|info|warn|fail|crit): (?<category>[^\[\s]+)\[(?<id>\d+)\] (?<message>.*)$")]
    private static partial Regex Entry();
}
