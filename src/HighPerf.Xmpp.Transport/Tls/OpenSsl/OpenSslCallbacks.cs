using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>
/// SNI and ALPN callbacks as unmanaged function pointers (no marshalled delegates: Native AOT safe).
/// Both run inside <c>SSL_do_handshake</c> on the connection's event loop; neither may throw into OpenSSL.
/// </summary>
internal static unsafe class OpenSslCallbacks
{
    /// <summary>The ALPN protocol of XMPP client connections on the direct TLS port (XEP-0368).</summary>
    private static ReadOnlySpan<byte> XmppClient => "xmpp-client"u8;

    public static void Install(SafeSslContextHandle context, IntPtr certificateSet)
    {
        delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr, int> serverName = &OnServerName;
        LibSsl.SSL_CTX_callback_ctrl(context, LibSsl.SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, (IntPtr)serverName);
        LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, certificateSet);

        // Installed on every context because SNI may switch the connection to another one before ALPN runs.
        LibSsl.SSL_CTX_set_alpn_select_cb(context, &OnAlpnSelect, IntPtr.Zero);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnServerName(IntPtr ssl, int* alert, IntPtr argument)
    {
        try
        {
            var name = (byte*)LibSsl.SSL_get_servername(ssl, LibSsl.TLSEXT_NAMETYPE_host_name);
            if (name is null || GCHandle.FromIntPtr(argument).Target is not OpenSslCertificateSet set)
            {
                return LibSsl.SSL_TLSEXT_ERR_OK;
            }

            var context = set.Find(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
            if (context is not null && context != set.DefaultContext)
            {
                LibSsl.SSL_set_SSL_CTX(ssl, context.DangerousGetHandle());
            }

            // An unknown name gets the default certificate: refusing would only hide the reason from the user.
            return LibSsl.SSL_TLSEXT_ERR_OK;
        }
        catch (Exception)
        {
            return LibSsl.SSL_TLSEXT_ERR_OK;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnAlpnSelect(IntPtr ssl, byte** selected, byte* selectedLength, byte* offered, uint offeredLength, IntPtr argument)
    {
        if (LibSsl.SSL_get_ex_data(ssl, 0) == IntPtr.Zero)
        {
            // STARTTLS: ALPN plays no part; answer without the extension.
            return LibSsl.SSL_TLSEXT_ERR_NOACK;
        }

        var list = new ReadOnlySpan<byte>(offered, (int)offeredLength);
        var offset = 0;
        while (offset < list.Length)
        {
            int length = list[offset];
            var start = offset + 1;
            if (length == 0 || start + length > list.Length)
            {
                break;
            }

            if (list.Slice(start, length).SequenceEqual(XmppClient))
            {
                // OpenSSL copies the selection, so pointing into the client's list is enough.
                *selected = offered + start;
                *selectedLength = (byte)length;
                return LibSsl.SSL_TLSEXT_ERR_OK;
            }

            offset = start + length;
        }

        // The client offered ALPN without xmpp-client: it wants another protocol on this port.
        return LibSsl.SSL_TLSEXT_ERR_ALERT_FATAL;
    }
}
