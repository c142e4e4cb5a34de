using System.Runtime.InteropServices;

namespace HighPerf.TlsMemory;

/// <summary>This process's resident memory and CPU time from /proc.</summary>
internal static partial class ProcessStats
{
    public static long ResidentKiB(string process = "self")
    {
        foreach (var line in File.ReadLines($"/proc/{process}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
            }
        }

        return -1;
    }

    /// <summary>User + system CPU milliseconds of a process (clock ticks are 100 Hz on Linux).</summary>
    public static long CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) * 10;
    }

    public static void FullCollect()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>glibc returns free pages inside its heaps to the kernel (MADV_DONTNEED), not just the top.</summary>
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    public static partial int MallocTrim(nuint pad);
}
