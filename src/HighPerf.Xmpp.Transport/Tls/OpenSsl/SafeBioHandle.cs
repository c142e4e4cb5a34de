using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// A BIO until it is handed to an <c>SSL</c> (<see cref="TransferTo"/>), after which <c>SSL_free</c> frees it;
/// the handle then forgets it so the BIO is freed exactly once.
/// </summary>
internal sealed class SafeBioHandle : SafeHandle
{
    public SafeBioHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SafeBioHandle Create(IntPtr method)
    {
        var bio = new SafeBioHandle();
        bio.SetHandle(LibCrypto.BIO_new(method));
        if (bio.IsInvalid)
        {
            OpenSslError.Throw("BIO_new");
        }

        return bio;
    }

    /// <summary>Gives the BIO to <paramref name="ssl"/> as both its read and write BIO.</summary>
    public void TransferTo(SafeSslHandle ssl)
    {
        LibSsl.SSL_set_bio(ssl.DangerousGetHandle(), handle, handle);
        SetHandleAsInvalid();
    }

    protected override bool ReleaseHandle()
    {
        return LibCrypto.BIO_free(handle) == 1;
    }
}
