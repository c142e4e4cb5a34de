using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// One native <see cref="ZStream"/> with its zlib state, ended and freed exactly once (also by the finalizer if a
/// pipeline is dropped without its handlers being removed).
/// </summary>
internal sealed unsafe class ZlibStreamHandle : SafeHandle
{
    private readonly bool _deflate;

    private ZlibStreamHandle(bool deflate)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _deflate = deflate;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public ZStream* Stream => (ZStream*)handle;

    /// <summary>A deflate stream with the zlib wrapper (RFC 1950), as XEP-0138's "zlib" method is.</summary>
    public static ZlibStreamHandle CreateDeflate(int level, int windowBits, int memLevel)
    {
        var owner = new ZlibStreamHandle(deflate: true);
        var stream = Allocate();
        int result;
        fixed (byte* version = LibZ.Version)
        {
            result = LibZ.DeflateInit2(stream, level, LibZ.Deflated, windowBits, memLevel, LibZ.DefaultStrategy, version, sizeof(ZStream));
        }

        return Adopt(owner, stream, result, "deflateInit2");
    }

    /// <summary>An inflate stream for the zlib wrapper; window 15 accepts whatever window the peer chose.</summary>
    public static ZlibStreamHandle CreateInflate()
    {
        var owner = new ZlibStreamHandle(deflate: false);
        var stream = Allocate();
        int result;
        fixed (byte* version = LibZ.Version)
        {
            result = LibZ.InflateInit2(stream, 15, version, sizeof(ZStream));
        }

        return Adopt(owner, stream, result, "inflateInit2");
    }

    protected override bool ReleaseHandle()
    {
        var stream = (ZStream*)handle;
        _ = _deflate ? LibZ.DeflateEnd(stream) : LibZ.InflateEnd(stream);
        NativeMemory.Free(stream);
        return true;
    }

    private static ZStream* Allocate()
    {
        var stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        stream->ZAlloc = ZlibMemory.Alloc;
        stream->ZFree = ZlibMemory.Free;
        return stream;
    }

    private static ZlibStreamHandle Adopt(ZlibStreamHandle owner, ZStream* stream, int result, string call)
    {
        if (result != LibZ.Ok)
        {
            NativeMemory.Free(stream);
            owner.SetHandleAsInvalid();
            throw new InvalidOperationException($"zlib {call} failed ({result}).");
        }

        owner.SetHandle((nint)stream);
        return owner;
    }
}
