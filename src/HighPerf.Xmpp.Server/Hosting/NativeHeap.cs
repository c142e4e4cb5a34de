using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// glibc's malloc statistics (mallinfo2, all arenas): what OpenSSL, zlib and the runtime's native parts hold, and
/// how much of the arenas is free but not returned to the system (fragmentation). A benchmark aid for the stats
/// file; zero where the C library is not glibc 2.33+.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>Bytes in use (arena chunks in use plus mmap'ed chunks) and bytes free inside the arenas.</summary>
    public static (long Used, long Free) Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }

        try
        {
            var info = MallInfo2();
            return ((long)(info.UsedBytes + info.MappedBytes), (long)info.FreeBytes);
        }
        catch (EntryPointNotFoundException)
        {
            return (0, 0);
        }
        catch (DllNotFoundException)
        {
            return (0, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena;
        public readonly nuint OrdBlks;
        public readonly nuint SmBlks;
        public readonly nuint HBlks;
        public readonly nuint MappedBytes;
        public readonly nuint UsmBlks;
        public readonly nuint FsmBlks;
        public readonly nuint UsedBytes;
        public readonly nuint FreeBytes;
        public readonly nuint KeepCost;
    }
}
