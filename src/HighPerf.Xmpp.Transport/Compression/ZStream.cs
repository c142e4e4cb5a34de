using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// zlib's <c>z_stream</c> (zlib.h). <c>uLong</c> is C <c>unsigned long</c>, hence <see cref="CULong"/>: 8 bytes on
/// LP64 Linux, 4 on Windows. zlib keeps a pointer back to this struct and checks it on every call, so it lives in
/// native memory (<see cref="ZlibStreamHandle"/>), never in a movable managed object.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZStream
{
    public byte* NextIn;
    public uint AvailIn;
    public CULong TotalIn;
    public byte* NextOut;
    public uint AvailOut;
    public CULong TotalOut;
    public byte* Msg;
    public nint State;
    public delegate* unmanaged<nint, uint, uint, nint> ZAlloc;
    public delegate* unmanaged<nint, nint, void> ZFree;
    public nint Opaque;
    public int DataType;
    public CULong Adler;
    public CULong Reserved;
}
