using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// Our reference to an <c>SSL_CTX</c>. OpenSSL counts references itself (every <c>SSL</c> made from the
/// context holds one), so freeing ours while connections still use it is safe: the context goes with its last SSL.
/// </summary>
internal sealed class SafeSslContextHandle : SafeHandle
{
    public SafeSslContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SafeSslContextHandle Create(IntPtr method)
    {
        var context = new SafeSslContextHandle();
        context.SetHandle(LibSsl.SSL_CTX_new(method));
        if (context.IsInvalid)
        {
            OpenSslError.Throw("SSL_CTX_new");
        }

        return context;
    }

    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_CTX_free(handle);
        return true;
    }
}
