using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>
/// FASTER allocates the pages of a log's in-memory ring (the key-value log, the archive log) as the log first grows
/// and reuses them from then on; until the ring is full, archiving a message allocates (about 200 B per append over
/// the first 100,000 appends of a new store). Tests that measure steady-state allocations fill the rings first.
/// </summary>
public static class StoreWarmUp
{
    private const int Appends = 120_000;

    public static async Task FillLogPagesAsync(TestServer server)
    {
        var archive = server.Host.Server.Store.Archive;
        var message = new byte[300];
        var a = "warmup-a@localhost"u8.ToArray();
        var b = "warmup-b@localhost"u8.ToArray();
        await Task.Run(() =>
        {
            var last = default(ArchiveAppendResult);
            for (var i = 0; i < Appends; i++)
                last = archive.Append(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, a, i, message);
            return archive.WhenDurableAsync(last.Position).AsTask();
        });
    }
}
