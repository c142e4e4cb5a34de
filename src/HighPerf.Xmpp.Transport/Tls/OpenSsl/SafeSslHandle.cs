using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>One connection's <c>SSL</c>; <c>SSL_free</c> also frees the BIO it owns and drops its context reference.</summary>
internal sealed class SafeSslHandle : SafeHandle
{
    public SafeSslHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SafeSslHandle Create(SafeSslContextHandle context)
    {
        var ssl = new SafeSslHandle();
        ssl.SetHandle(LibSsl.SSL_new(context));
        if (ssl.IsInvalid)
        {
            OpenSslError.Throw("SSL_new");
        }

        return ssl;
    }

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_free(handle);
        return true;
    }
}
