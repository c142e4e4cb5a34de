using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// zlib's allocator: native memory with a small size header, so that the bytes held by all compressed sessions are
/// known exactly (a figure for metrics and for the per-session memory benchmark). zlib allocates at init (the
/// deflate window and hash chains) and once more on the first inflate output (the inflate window), never per call.
/// </summary>
internal static unsafe class ZlibMemory
{
    /// <summary>Keeps the block after the header 16-byte aligned, as malloc's is.</summary>
    private const int HeaderBytes = 16;

    private static long s_bytes;

    /// <summary>Bytes zlib currently holds, process-wide.</summary>
    public static long AllocatedBytes => Interlocked.Read(ref s_bytes);

    public static delegate* unmanaged<nint, uint, uint, nint> Alloc => &Allocate;

    public static delegate* unmanaged<nint, nint, void> Free => &Release;

    [UnmanagedCallersOnly]
    private static nint Allocate(nint opaque, uint items, uint size)
    {
        var bytes = (nuint)items * size;
        var block = (byte*)NativeMemory.Alloc(bytes + HeaderBytes);
        if (block == null)
        {
            return 0;
        }

        *(nuint*)block = bytes;
        Interlocked.Add(ref s_bytes, (long)bytes);
        return (nint)(block + HeaderBytes);
    }

    [UnmanagedCallersOnly]
    private static void Release(nint opaque, nint address)
    {
        if (address == 0)
        {
            return;
        }

        var block = (byte*)address - HeaderBytes;
        Interlocked.Add(ref s_bytes, -(long)*(nuint*)block);
        NativeMemory.Free(block);
    }
}
