using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// Memory one compressed session keeps (its deflater and inflater) once traffic went both ways: the growth of live
/// managed memory plus the growth of malloc's bytes in use (all arenas, and mmap'd blocks), over
/// <see cref="Sessions"/> sessions that each compressed and inflated the first 25 stanzas (about 4 KiB).
/// Measured in the BenchmarkDotNet host process when the table is printed.
/// </summary>
internal static partial class SessionMemory
{
    private const int Sessions = 200;
    private const int StanzasPerSession = 25;

    private static readonly ConcurrentDictionary<string, double> Cache = new();

    public static double KiBPerSession(CodecConfig config) => Cache.GetOrAdd(config.Name, _ => Measure(config));

    private static double Measure(CodecConfig config)
    {
        var expected = CompressionData.Stanzas.Take(StanzasPerSession).Sum(s => s.Length);
        var sessions = new List<(DeflateUnderTest, InflateUnderTest)>(Sessions);
        Settle();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var nativeBefore = MallocInUse();
        for (var i = 0; i < Sessions; i++)
        {
            var deflater = DeflateUnderTest.Create(config);
            var inflater = InflateUnderTest.Create(config);
            ReplayStream.WriteBatches(deflater, stanzasPerFlush: 1, count: StanzasPerSession);
            if (inflater.Inflate(deflater.Output, expected) != expected)
            {
                throw new InvalidOperationException($"{config.Name} did not round-trip.");
            }

            deflater.ResetOutput();
            sessions.Add((deflater, inflater));
        }

        Settle();
        var managed = GC.GetTotalMemory(forceFullCollection: true) - managedBefore;
        var native = MallocInUse() - nativeBefore;
        foreach (var (deflater, inflater) in sessions)
        {
            deflater.Dispose();
            inflater.Dispose();
        }

        return (managed + native) / (double)Sessions / 1024;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long MallocInUse()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var info = MallInfo2();
        return (long)(info.InUseBytes + info.MmapBytes);
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena;
        public nuint OrdinaryBlocks;
        public nuint SmallBlocks;
        public nuint MmapBlocks;
        public nuint MmapBytes;
        public nuint MaxTotal;
        public nuint FastBytes;
        public nuint InUseBytes;
        public nuint FreeBytes;
        public nuint KeepCost;
    }
}
