using HighPerf.Xmpp.TestKit.External;

// With HPX_SERVER_BINARY set the suite runs against that binary (TestServer starts it as a child process); a test
// that needs the in-process server (its routing table, its host, test modules wired in code) is then reported as
// skipped with the reason instead of failing. Without the variable this is xunit's default framework.
[assembly: TestFramework(ExternalServerTestFramework.TypeName, ExternalServerTestFramework.AssemblyName)]
