using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.TestKit.Logging;

/// <summary>
/// Collects what the server logs, so tests can check that an event is logged (a fingerprint, a timeout)
/// and that nothing is logged per stanza at the default level.
/// </summary>
public sealed class TestLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public TestLog(LogLevel minimumLevel = LogLevel.Information)
    {
        MinimumLevel = minimumLevel;
        Factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(minimumLevel).AddProvider(this));
    }

    public LogLevel MinimumLevel { get; }

    /// <summary>The factory to hand to the server.</summary>
    public ILoggerFactory Factory { get; }

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public int Count => _entries.Count;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Waits until an entry with <paramref name="eventId"/> matching <paramref name="match"/> is logged.</summary>
    public async Task<LogEntry> WaitForAsync(int eventId, Func<LogEntry, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _entries.FirstOrDefault(e => e.EventId == eventId && (match is null || match(e)));
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Event {eventId} was not logged. Logged: {string.Join(" | ", _entries)}");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(TestLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= log.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
            }
        }
    }
}
