using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>libcrypto.so.3 entry points: the error queue, custom BIO methods and version.</summary>
internal static unsafe partial class LibCrypto
{
    public const string Name = "libcrypto.so.3";

    public const int BIO_TYPE_SOURCE_SINK = 0x0400;
    public const int BIO_FLAGS_READ = 0x01;
    public const int BIO_FLAGS_WRITE = 0x02;
    public const int BIO_FLAGS_SHOULD_RETRY = 0x08;
    public const int BIO_FLAGS_RWS = 0x07;
    public const int BIO_CTRL_FLUSH = 11;

    [LibraryImport(Name)] public static partial ulong OpenSSL_version_num();
    [LibraryImport(Name)] public static partial ulong ERR_get_error();
    [LibraryImport(Name)] public static partial void ERR_clear_error();
    [LibraryImport(Name)] public static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);

    [LibraryImport(Name)] public static partial int BIO_get_new_index();
    [LibraryImport(Name)] public static partial IntPtr BIO_meth_new(int type, byte* name);
    [LibraryImport(Name)] public static partial int BIO_meth_set_write(IntPtr method, delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int> write);
    [LibraryImport(Name)] public static partial int BIO_meth_set_read(IntPtr method, delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int> read);
    [LibraryImport(Name)] public static partial int BIO_meth_set_ctrl(IntPtr method, delegate* unmanaged[Cdecl]<IntPtr, int, nint, IntPtr, nint> ctrl);
    [LibraryImport(Name)] public static partial IntPtr BIO_new(IntPtr method);
    [LibraryImport(Name)] public static partial int BIO_free(IntPtr bio);
    [LibraryImport(Name)] public static partial void BIO_set_init(IntPtr bio, int init);
    [LibraryImport(Name)] public static partial void BIO_set_flags(IntPtr bio, int flags);
    [LibraryImport(Name)] public static partial void BIO_clear_flags(IntPtr bio, int flags);
}
