using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// libssl.so.3 entry points. Only what the server engine (and the tests' in-process client) call;
/// macros from ssl.h are expressed through <c>SSL_ctrl</c>/<c>SSL_CTX_ctrl</c> with their constants.
/// </summary>
internal static unsafe partial class LibSsl
{
    public const string Name = "libssl.so.3";

    public const int SSL_ERROR_NONE = 0;
    public const int SSL_ERROR_SSL = 1;
    public const int SSL_ERROR_WANT_READ = 2;
    public const int SSL_ERROR_WANT_WRITE = 3;
    public const int SSL_ERROR_SYSCALL = 5;
    public const int SSL_ERROR_ZERO_RETURN = 6;

    public const int SSL_FILETYPE_PEM = 1;
    public const int TLS1_VERSION = 0x0301;
    public const int TLS1_1_VERSION = 0x0302;
    public const int TLS1_2_VERSION = 0x0303;
    public const int TLS1_3_VERSION = 0x0304;

    public const int SSL_CTRL_MODE = 33;
    public const int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    public const int SSL_CTRL_SET_TLSEXT_SERVERNAME_CB = 53;
    public const int SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG = 54;
    public const int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    public const int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    public const int SSL_CTRL_SET_MAX_PROTO_VERSION = 124;

    public const long SSL_MODE_RELEASE_BUFFERS = 0x00000010;
    public const long SSL_SESS_CACHE_OFF = 0;
    public const ulong SSL_OP_CIPHER_SERVER_PREFERENCE = 1UL << 22;
    public const ulong SSL_OP_NO_RENEGOTIATION = 1UL << 30;
    public const ulong SSL_OP_NO_TICKET = 1UL << 14;

    public const int SSL_TLSEXT_ERR_OK = 0;
    public const int SSL_TLSEXT_ERR_ALERT_FATAL = 2;
    public const int SSL_TLSEXT_ERR_NOACK = 3;
    public const int TLSEXT_NAMETYPE_host_name = 0;

    [LibraryImport(Name)] public static partial IntPtr TLS_server_method();
    [LibraryImport(Name)] public static partial IntPtr TLS_client_method();
    [LibraryImport(Name)] public static partial IntPtr SSL_CTX_new(IntPtr method);
    [LibraryImport(Name)] public static partial void SSL_CTX_free(IntPtr ctx);
    [LibraryImport(Name)] public static partial nint SSL_CTX_ctrl(SafeSslContextHandle ctx, int cmd, nint larg, IntPtr parg);
    [LibraryImport(Name)] public static partial nint SSL_CTX_callback_ctrl(SafeSslContextHandle ctx, int cmd, IntPtr fp);
    [LibraryImport(Name)] public static partial ulong SSL_CTX_set_options(SafeSslContextHandle ctx, ulong options);
    [LibraryImport(Name)] public static partial int SSL_CTX_set_num_tickets(SafeSslContextHandle ctx, nuint count);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_use_certificate_chain_file(SafeSslContextHandle ctx, string file);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_use_PrivateKey_file(SafeSslContextHandle ctx, string file, int type);

    [LibraryImport(Name)] public static partial int SSL_CTX_check_private_key(SafeSslContextHandle ctx);

    [LibraryImport(Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_load_verify_locations(SafeSslContextHandle ctx, string file, IntPtr path);

    [LibraryImport(Name)]
    public static partial void SSL_CTX_set_alpn_select_cb(
        SafeSslContextHandle ctx,
        delegate* unmanaged[Cdecl]<IntPtr, byte**, byte*, byte*, uint, IntPtr, int> callback,
        IntPtr arg);

    [LibraryImport(Name)] public static partial IntPtr SSL_new(SafeSslContextHandle ctx);
    [LibraryImport(Name)] public static partial void SSL_free(IntPtr ssl);
    [LibraryImport(Name)] public static partial nint SSL_ctrl(IntPtr ssl, int cmd, nint larg, IntPtr parg);
    [LibraryImport(Name)] public static partial void SSL_set_bio(IntPtr ssl, IntPtr rbio, IntPtr wbio);
    [LibraryImport(Name)] public static partial void SSL_set_accept_state(IntPtr ssl);
    [LibraryImport(Name)] public static partial void SSL_set_connect_state(IntPtr ssl);
    [LibraryImport(Name)] public static partial int SSL_do_handshake(IntPtr ssl);
    [LibraryImport(Name)] public static partial int SSL_read_ex(IntPtr ssl, byte* buffer, nuint count, nuint* read);
    [LibraryImport(Name)] public static partial int SSL_write_ex(IntPtr ssl, byte* buffer, nuint count, nuint* written);
    [LibraryImport(Name)] public static partial int SSL_pending(IntPtr ssl);
    [LibraryImport(Name)] public static partial int SSL_get_error(IntPtr ssl, int ret);
    [LibraryImport(Name)] public static partial int SSL_shutdown(IntPtr ssl);
    [LibraryImport(Name)] public static partial int SSL_version(IntPtr ssl);
    [LibraryImport(Name)] public static partial IntPtr SSL_set_SSL_CTX(IntPtr ssl, IntPtr ctx);
    [LibraryImport(Name)] public static partial IntPtr SSL_get_servername(IntPtr ssl, int type);
    [LibraryImport(Name)] public static partial void SSL_get0_alpn_selected(IntPtr ssl, byte** data, uint* length);
    [LibraryImport(Name)] public static partial int SSL_set_ex_data(IntPtr ssl, int index, IntPtr data);
    [LibraryImport(Name)] public static partial IntPtr SSL_get_ex_data(IntPtr ssl, int index);
    [LibraryImport(Name)] public static partial int SSL_set_alpn_protos(IntPtr ssl, byte* protos, uint length);
    [LibraryImport(Name)] public static partial int SSL_session_reused(IntPtr ssl);
}
