using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Compression;

/// <summary>
/// The system zlib (libz.so.1), called directly: System.IO.Compression's streams choose neither the window nor
/// the memory level, cannot do a full flush (dictionary reset), and allocate per stream operation. Blittable
/// signatures only, so the generated stubs marshal nothing (Native AOT friendly).
/// </summary>
internal static unsafe partial class LibZ
{
    public const string Name = "libz.so.1";

    public const int NoFlush = 0;
    public const int SyncFlush = 2;
    public const int FullFlush = 3;

    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int NeedDict = 2;
    public const int BufError = -5;

    public const int Deflated = 8;
    public const int DefaultStrategy = 0;

    private static readonly Lazy<string?> Failure = new(Probe);

    /// <summary>Null when libz.so.1 loads; else why compression cannot be offered.</summary>
    public static string? UnavailableReason => Failure.Value;

    public static bool IsAvailable => Failure.Value is null;

    /// <summary>Passed to the init calls, which check only its first digit and the struct size.</summary>
    public static ReadOnlySpan<byte> Version => "1.2.11\0"u8;

    [LibraryImport(Name, EntryPoint = "zlibVersion")]
    public static partial byte* ZlibVersion();

    [LibraryImport(Name, EntryPoint = "deflateInit2_")]
    public static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memLevel, int strategy, byte* version, int streamSize);

    [LibraryImport(Name, EntryPoint = "deflate")]
    public static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(Name, EntryPoint = "deflateEnd")]
    public static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(Name, EntryPoint = "inflateInit2_")]
    public static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(Name, EntryPoint = "inflate")]
    public static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(Name, EntryPoint = "inflateEnd")]
    public static partial int InflateEnd(ZStream* stream);

    private static string? Probe()
    {
        if (!NativeLibrary.TryLoad(Name, out _))
        {
            return $"{Name} not found";
        }

        try
        {
            var version = ZlibVersion();
            return version != null && version[0] == (byte)'1' ? null : "zlib is not version 1.x";
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return exception.Message;
        }
    }
}
