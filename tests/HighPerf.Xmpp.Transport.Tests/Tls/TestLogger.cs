using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>Keeps formatted log lines so tests can check that a reason was logged.</summary>
internal sealed class TestLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Enqueue($"{logLevel} {eventId.Name}: {formatter(state, exception)}");
}
