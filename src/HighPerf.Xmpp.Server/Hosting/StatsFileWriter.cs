using System.Buffers.Text;
using HighPerf.Xmpp.Core.Hosting;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// Benchmark counters for the load generator (perf/HighPerf.LoadGen --server-stats): when the environment variable
/// HIGHPERF_XMPP_STATS_FILE names a file, a background thread rewrites it every 100 ms with one line
/// <c>allocated=B gen0=N gen1=N gen2=N heap=B sessions=N</c> (managed bytes allocated since start, GC counts, live
/// heap, bound sessions), via a temporary file and a rename so a reader never sees half a line. The line is formatted
/// into a reused buffer; each tick allocates only the file handle (~100 B, ~1 KB/s), which the load generator's
/// per-message figure includes. Off unless the variable is set; the metrics endpoint (issue #9) supersedes it.
/// A memory figure needs a heap without garbage: a reader that creates <c>FILE.gc</c> gets a full, compacting
/// collection before the next line, whose <c>gcs=N</c> (collections so requested) tells it the line is fresh; that
/// line also carries, as of the collection, <c>committed=B</c> (memory the GC has committed) and <c>native=B</c> /
/// <c>nativefree=B</c> (glibc malloc's bytes in use and free inside its arenas), so that a resident-memory figure
/// can be split into live objects, GC slack, native allocations and allocator fragmentation.
/// </summary>
internal sealed class StatsFileWriter : IDisposable
{
    public const string Variable = "HIGHPERF_XMPP_STATS_FILE";
    private readonly XmppServer _server;
    private readonly string _path;
    private readonly string _temporary;
    private readonly string _gcRequest;
    private long _requestedCollections;
    private long _committedBytes;
    private long _nativeBytes;
    private long _nativeFreeBytes;
    private readonly Thread _thread;
    private readonly byte[] _line = new byte[512];
    private volatile bool _stopped;

    private StatsFileWriter(XmppServer server, string path)
    {
        _server = server;
        _path = path;
        _temporary = path + ".tmp";
        _gcRequest = path + ".gc";
        _thread = new Thread(Run) { IsBackground = true, Name = "stats-file", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    public static StatsFileWriter? StartIfRequested(XmppServer server)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrEmpty(path) ? null : new StatsFileWriter(server, Path.GetFullPath(path));
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stopped)
        {
            Write();
            Thread.Sleep(100);
        }
    }

    private void Write()
    {
        if (File.Exists(_gcRequest))
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            // Read only after a requested collection: GCMemoryInfo allocates, and the figures matter only then.
            _committedBytes = GC.GetGCMemoryInfo(GCKind.FullBlocking).TotalCommittedBytes;
            (_nativeBytes, _nativeFreeBytes) = NativeHeap.Read();
            _requestedCollections++;
            try
            {
                File.Delete(_gcRequest);
            }
            catch (IOException)
            {
            }
        }

        var line = _line.AsSpan();
        var at = 0;
        Field(line, ref at, "allocated="u8, GC.GetTotalAllocatedBytes(precise: false));
        Field(line, ref at, " gen0="u8, GC.CollectionCount(0));
        Field(line, ref at, " gen1="u8, GC.CollectionCount(1));
        Field(line, ref at, " gen2="u8, GC.CollectionCount(2));
        Field(line, ref at, " heap="u8, GC.GetTotalMemory(forceFullCollection: false));
        Field(line, ref at, " sessions="u8, _server.Routes.SessionCount);
        Field(line, ref at, " gcs="u8, _requestedCollections);
        Field(line, ref at, " committed="u8, _committedBytes);
        Field(line, ref at, " native="u8, _nativeBytes);
        Field(line, ref at, " nativefree="u8, _nativeFreeBytes);
        line[at++] = (byte)'\n';
        try
        {
            using (var handle = File.OpenHandle(_temporary, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, line[..at], 0);
            }

            File.Move(_temporary, _path, overwrite: true);
        }
        catch (IOException)
        {
            // A benchmark aid: a full disk or a removed folder must not disturb the server.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Field(Span<byte> line, ref int at, ReadOnlySpan<byte> name, long value)
    {
        name.CopyTo(line[at..]);
        at += name.Length;
        Utf8Formatter.TryFormat(value, line[at..], out var written);
        at += written;
    }
}
