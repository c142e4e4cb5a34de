using Xunit.Abstractions;
using Xunit.Sdk;

namespace HighPerf.Xmpp.TestKit.External;

/// <summary>
/// Runs a test case unchanged but turns its "failed with <see cref="InProcessOnlyException"/>" results into
/// "skipped" results, and corrects the run summary to match. Everything else is the wrapped case's.
/// </summary>
/// <remarks>
/// It exists only inside one executor's RunTestCases, after discovery and deserialization, in the test process: it
/// never crosses an app domain (xUnit3000) nor is deserialized (xUnit3001); Serialize forwards to the wrapped case.
/// </remarks>
#pragma warning disable xUnit3000, xUnit3001
internal sealed class SkippingTestCase(IXunitTestCase inner) : IXunitTestCase
#pragma warning restore xUnit3000, xUnit3001
{
    public string DisplayName => inner.DisplayName;

    public string SkipReason => inner.SkipReason;

    public ISourceInformation SourceInformation
    {
        get => inner.SourceInformation;
        set => inner.SourceInformation = value;
    }

    public ITestMethod TestMethod => inner.TestMethod;

    public object[] TestMethodArguments => inner.TestMethodArguments;

    public Dictionary<string, List<string>> Traits => inner.Traits;

    public string UniqueID => inner.UniqueID;

    public Exception InitializationException => inner.InitializationException;

    public IMethodInfo Method => inner.Method;

    public int Timeout => inner.Timeout;

    public void Deserialize(IXunitSerializationInfo info) => inner.Deserialize(info);

    public void Serialize(IXunitSerializationInfo info) => inner.Serialize(info);

    public async Task<RunSummary> RunAsync(
        IMessageSink diagnosticMessageSink, IMessageBus messageBus, object[] constructorArguments, ExceptionAggregator aggregator,
        CancellationTokenSource cancellationTokenSource)
    {
        var bus = new Bus(messageBus);
        var summary = await inner.RunAsync(diagnosticMessageSink, bus, constructorArguments, aggregator, cancellationTokenSource);
        summary.Failed -= bus.Skipped;
        summary.Skipped += bus.Skipped;
        return summary;
    }

    private sealed class Bus(IMessageBus inner) : IMessageBus
    {
        private static readonly string SkipType = typeof(InProcessOnlyException).FullName!;

        public int Skipped { get; private set; }

        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestFailed failed && Array.IndexOf(failed.ExceptionTypes, SkipType) is var at and >= 0)
            {
                Skipped++;
                return inner.QueueMessage(new TestSkipped(failed.Test, failed.Messages[at]));
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
            // The wrapped bus belongs to the runner that created it.
        }
    }
}
