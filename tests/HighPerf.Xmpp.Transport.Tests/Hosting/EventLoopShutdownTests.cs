using System.Diagnostics;
using DotNetty.Common.Concurrency;
using DotNetty.Transport.Channels;
using HighPerf.Xmpp.Transport.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace HighPerf.Xmpp.Transport.Tests.Hosting;

public sealed class EventLoopShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan LoopTimeout = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task A_stop_ends_within_its_bound_while_other_threads_still_post_to_the_loops()
    {
        // Tasks posted from other threads while the loops shut down are what DotNetty 0.7's final drain can
        // livelock on; whatever the loops do, the stop must end within the loops' timeout plus the patience.
        const int rounds = 30;
        var bound = LoopTimeout + EventLoopShutdown.Patience + TimeSpan.FromSeconds(3);
        var leftBehind = 0;
        for (var round = 0; round < rounds; round++)
        {
            var group = new MultithreadEventLoopGroup(1);
            var loop = group.GetNext();
            using var posting = new CancellationTokenSource();
            var poster = Task.Run(() =>
            {
                var noOp = new ActionTask();
                for (var i = 0; i < 200_000 && !posting.IsCancellationRequested; i++)
                {
                    loop.Execute(noOp);
                    if ((i & 0xFF) == 0)
                    {
                        Thread.Yield();
                    }
                }
            });

            await Task.Delay(round % 5);
            var watch = Stopwatch.StartNew();
            var terminated = await EventLoopShutdown.ShutdownAsync(NullLogger.Instance, "test", LoopTimeout, group);
            watch.Stop();
            await posting.CancelAsync();
            await poster;
            Assert.True(watch.Elapsed < bound, $"round {round}: the stop took {watch.Elapsed}");
            leftBehind += terminated ? 0 : 1;
        }

        output.WriteLine($"{leftBehind} of {rounds} rounds left a loop behind");
    }

    private sealed class ActionTask : IRunnable
    {
        public void Run()
        {
        }
    }
}
