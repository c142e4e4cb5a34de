using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// A custom BIO method whose read and write go straight to the connection's current pooled buffers
/// (<see cref="OpenSslConnection.OnBioRead"/>/<see cref="OpenSslConnection.OnBioWrite"/>), as netty-tcnative
/// does with its buffer BIO. Unlike a memory BIO it owns no storage, so an idle connection's BIO holds no
/// capacity by construction and no byte is copied twice.
/// </summary>
/// <remarks>
/// OpenSSL only calls a BIO from inside the <c>SSL_*</c> call that needs it, and all of a channel's calls run
/// on its event loop thread, so the connection being served is found in a thread-static set around each call
/// (<see cref="Enter"/>) rather than through a GCHandle stored in the BIO.
/// </remarks>
internal static unsafe class ChannelBio
{
    private const int RetryRead = LibCrypto.BIO_FLAGS_READ | LibCrypto.BIO_FLAGS_SHOULD_RETRY;
    private const int RetryFlags = LibCrypto.BIO_FLAGS_RWS | LibCrypto.BIO_FLAGS_SHOULD_RETRY;

    [ThreadStatic]
    private static OpenSslConnection? _current;

    private static readonly IntPtr Method = CreateMethod();

    public static SafeBioHandle Create()
    {
        var bio = SafeBioHandle.Create(Method);
        LibCrypto.BIO_set_init(bio.DangerousGetHandle(), 1);
        return bio;
    }

    /// <summary>Makes <paramref name="connection"/> the target of BIO calls on this thread; returns the previous one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OpenSslConnection? Enter(OpenSslConnection connection)
    {
        var previous = _current;
        _current = connection;
        return previous;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Leave(OpenSslConnection? previous) => _current = previous;

    private static IntPtr CreateMethod()
    {
        var type = LibCrypto.BIO_get_new_index() | LibCrypto.BIO_TYPE_SOURCE_SINK;
        IntPtr method;
        fixed (byte* name = "highperf-channel\0"u8)
        {
            // BIO_meth_new copies the name.
            method = LibCrypto.BIO_meth_new(type, name);
        }

        if (method == IntPtr.Zero
            || LibCrypto.BIO_meth_set_write(method, &Write) != 1
            || LibCrypto.BIO_meth_set_read(method, &Read) != 1
            || LibCrypto.BIO_meth_set_ctrl(method, &Ctrl) != 1)
        {
            OpenSslError.Throw("BIO_meth_new");
        }

        // The method lives as long as the process: BIOs made from it may outlive any owner we could name.
        return method;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(IntPtr bio, byte* data, int length)
    {
        LibCrypto.BIO_clear_flags(bio, RetryFlags);
        var connection = _current;
        if (connection is null || length < 0)
        {
            return -1;
        }

        try
        {
            return connection.OnBioWrite(new ReadOnlySpan<byte>(data, length));
        }
        catch (Exception exception)
        {
            connection.OnBioException(exception);
            return -1;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(IntPtr bio, byte* data, int length)
    {
        LibCrypto.BIO_clear_flags(bio, RetryFlags);
        var connection = _current;
        if (connection is null || length <= 0)
        {
            return 0;
        }

        try
        {
            var read = connection.OnBioRead(new Span<byte>(data, length));
            if (read > 0)
            {
                return read;
            }
        }
        catch (Exception exception)
        {
            connection.OnBioException(exception);
            return -1;
        }

        // Nothing buffered: "try again later", never EOF; the channel reports EOF itself.
        LibCrypto.BIO_set_flags(bio, RetryRead);
        return -1;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint Ctrl(IntPtr bio, int command, nint larg, IntPtr parg)
        => command == LibCrypto.BIO_CTRL_FLUSH ? 1 : 0;
}
