using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace HighPerf.Xmpp.TestKit.External;

/// <summary>
/// xunit's own framework, except that a test failing with <see cref="InProcessOnlyException"/> is reported as
/// skipped with its message (xunit 2 has no dynamic skip). A test assembly opts in with
/// <c>[assembly: TestFramework(ExternalServerTestFramework.TypeName, ExternalServerTestFramework.AssemblyName)]</c>;
/// without <see cref="ExternalServer.BinaryVariable"/> set no test throws it and nothing changes.
/// </summary>
public sealed class ExternalServerTestFramework : XunitTestFramework
{
    public const string TypeName = "HighPerf.Xmpp.TestKit.External.ExternalServerTestFramework";
    public const string AssemblyName = "HighPerf.Xmpp.TestKit";

    public ExternalServerTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
    }

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName)
        => new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            var wrapped = testCases.Select(IXunitTestCase (testCase) => new SkippingTestCase(testCase)).ToList();
            using var runner = new XunitTestAssemblyRunner(TestAssembly, wrapped, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }
}
