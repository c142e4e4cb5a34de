using System.Text;
using HighPerf.Xmpp.Storage.Abstractions;
using Xunit.Abstractions;

namespace HighPerf.Xmpp.Storage.Tests;

/// <summary>
/// "Appending a message allocates nothing per message": measured on the appending thread with the archive's group
/// commit held off, so that what FASTER allocates per commit (the flush and commit record, partly run by whichever
/// thread next enters the log's epoch) is not in the count. FASTER also allocates when a log crosses a page (2 MiB):
/// a run of appends that crosses one shows a few hundred bytes, so the test looks at many short runs and requires
/// most of them to allocate exactly nothing. A single byte per append would make every run non-zero.
/// </summary>
public sealed class ArchiveAppendAllocationTests(ITestOutputHelper output) : StoreTestBase
{
    private const int Owners = 50;
    private const int Runs = 20;
    private const int AppendsPerRun = 100;

    protected override StoreOptions CreateOptions() => base.CreateOptions() with
    {
        CommitInterval = TimeSpan.FromHours(1),
        CommitBatchSize = int.MaxValue,
    };

    [Fact]
    public void Appends_between_commits_allocate_nothing_on_the_appending_thread()
    {
        var owners = Enumerable.Range(0, Owners).Select(i => Encoding.UTF8.GetBytes($"user{i}@bench.example")).ToArray();
        var peerDetail = "peer@bench.example/phone"u8.ToArray();
        var message = Encoding.UTF8.GetBytes($"<message xmlns='jabber:client' from='peer@bench.example/phone' to='user0@bench.example' type='chat' id='x'><body>{new string('x', 200)}</body></message>");
        var timestamp = 1_700_000_000_000_000L;

        // Warm-up: every owner's and peer's index records exist, the code is jitted, the session pool is filled.
        for (var i = 0; i < 4 * Owners; i++)
        {
            Store.Archive.Append(owners[i % Owners], "peer@bench.example"u8, peerDetail, timestamp++, message);
        }

        var runs = new long[Runs];
        for (var run = 0; run < Runs; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < AppendsPerRun; i++)
            {
                Store.Archive.Append(owners[i % Owners], "peer@bench.example"u8, peerDetail, timestamp++, message);
            }

            runs[run] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var zero = runs.Count(bytes => bytes == 0);
        output.WriteLine($"bytes allocated per run of {AppendsPerRun} appends: [{string.Join(", ", runs)}]");
        Assert.True(zero >= Runs / 2, $"Runs of {AppendsPerRun} appends allocated [{string.Join(", ", runs)}] bytes; expected most of them to allocate 0.");
    }
}
