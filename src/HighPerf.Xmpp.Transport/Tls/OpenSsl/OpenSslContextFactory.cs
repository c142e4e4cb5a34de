namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

/// <summary>Builds one server <c>SSL_CTX</c> with the settings every connection shares.</summary>
internal static class OpenSslContextFactory
{
    public static SafeSslContextHandle Create(TlsCertificateFiles files, TlsServerOptions options)
    {
        var context = SafeSslContextHandle.Create(LibSsl.TLS_server_method());
        try
        {
            Configure(context, options);
            LoadCertificate(context, files);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static void Configure(SafeSslContextHandle context, TlsServerOptions options)
    {
        Check(LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_SET_MIN_PROTO_VERSION, LibSsl.TLS1_2_VERSION, 0), "set_min_proto_version");
        Check(LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_SET_MAX_PROTO_VERSION, options.MaximumTls13 ? LibSsl.TLS1_3_VERSION : LibSsl.TLS1_2_VERSION, 0), "set_max_proto_version");

        // RELEASE_BUFFERS frees the ~16 KiB read and write record buffers whenever they are empty: the largest
        // part of an idle connection otherwise.
        LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_MODE, (nint)LibSsl.SSL_MODE_RELEASE_BUFFERS, 0);

        // No server-side session cache: resumption works through stateless tickets, so no per-session state
        // stays in the process after a connection ends.
        LibSsl.SSL_CTX_ctrl(context, LibSsl.SSL_CTRL_SET_SESS_CACHE_MODE, (nint)LibSsl.SSL_SESS_CACHE_OFF, 0);

        // Client-initiated renegotiation is a CPU amplification vector and no XMPP client needs it.
        var flags = LibSsl.SSL_OP_CIPHER_SERVER_PREFERENCE | LibSsl.SSL_OP_NO_RENEGOTIATION;
        if (options.SessionTickets == 0)
        {
            flags |= LibSsl.SSL_OP_NO_TICKET;
        }

        LibSsl.SSL_CTX_set_options(context, flags);
        if (LibSsl.SSL_CTX_set_num_tickets(context, (nuint)options.SessionTickets) != 1)
        {
            OpenSslError.Throw("SSL_CTX_set_num_tickets");
        }
    }

    private static void LoadCertificate(SafeSslContextHandle context, TlsCertificateFiles files)
    {
        // The chain file holds the leaf first, then intermediates (Let's Encrypt fullchain.pem layout).
        if (LibSsl.SSL_CTX_use_certificate_chain_file(context, files.CertificatePath) != 1)
        {
            OpenSslError.Throw($"loading certificate chain {files.CertificatePath}");
        }

        if (LibSsl.SSL_CTX_use_PrivateKey_file(context, files.PrivateKeyPath, LibSsl.SSL_FILETYPE_PEM) != 1)
        {
            OpenSslError.Throw($"loading private key {files.PrivateKeyPath}");
        }

        if (LibSsl.SSL_CTX_check_private_key(context) != 1)
        {
            OpenSslError.Throw($"matching {files.PrivateKeyPath} to {files.CertificatePath}");
        }
    }

    private static void Check(nint result, string operation)
    {
        if (result != 1)
        {
            OpenSslError.Throw(operation);
        }
    }
}
