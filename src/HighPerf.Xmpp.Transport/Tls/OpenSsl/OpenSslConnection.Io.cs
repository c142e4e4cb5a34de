using DotNetty.Buffers;

namespace HighPerf.Xmpp.Transport.Tls.OpenSsl;

internal sealed unsafe partial class OpenSslConnection
{
    /// <summary>Advances the handshake with the lent input; output (if any) waits in <see cref="TakeOutbound"/>.</summary>
    public OpenSslStatus Handshake()
    {
        var previous = ChannelBio.Enter(this);
        try
        {
            LibCrypto.ERR_clear_error();
            var result = LibSsl.SSL_do_handshake(_sslPtr);
            if (result == 1 && _bioException is null)
            {
                IsHandshakeComplete = true;
                return OpenSslStatus.Done;
            }

            return Classify(result, "handshake");
        }
        finally
        {
            ChannelBio.Leave(previous);
        }
    }

    /// <summary>
    /// Decrypts what the lent input (and any record OpenSSL already buffered) holds into one pooled buffer.
    /// <paramref name="plaintext"/> is non-null when bytes were decrypted, whatever the status.
    /// </summary>
    public OpenSslStatus Read(out IByteBuffer? plaintext)
    {
        plaintext = null;
        var available = (_inbound?.ReadableBytes ?? 0) + LibSsl.SSL_pending(_sslPtr);
        if (available == 0)
        {
            return OpenSslStatus.WantRead;
        }

        // Plaintext is never longer than the ciphertext it comes from, except for a record whose start arrived
        // in an earlier read; a smaller buffer is then simply filled and the rest read on the next call.
        var buffer = _allocator.Buffer(Math.Clamp(available, MinPlaintextBuffer, MaxRecordPlaintext));
        var status = OpenSslStatus.Done;
        var previous = ChannelBio.Enter(this);
        try
        {
            while (buffer.IsWritable())
            {
                LibCrypto.ERR_clear_error();
                nuint read;
                int result;
                fixed (byte* destination = &ByteBufferMemory.At(buffer, buffer.WriterIndex))
                {
                    result = LibSsl.SSL_read_ex(_sslPtr, destination, (nuint)buffer.WritableBytes, &read);
                }

                if (result != 1 || _bioException is not null)
                {
                    status = Classify(result, "read");
                    break;
                }

                buffer.SetWriterIndex(buffer.WriterIndex + (int)read);
            }
        }
        finally
        {
            ChannelBio.Leave(previous);
        }

        if (buffer.IsReadable())
        {
            plaintext = buffer;
        }
        else
        {
            buffer.Release();
        }

        return status;
    }

    /// <summary>Encrypts all readable bytes of <paramref name="plaintext"/> (not released here) into the outbound buffer.</summary>
    public OpenSslStatus Write(IByteBuffer plaintext)
    {
        var length = plaintext.ReadableBytes;
        if (length == 0)
        {
            return OpenSslStatus.Done;
        }

        var records = (length + MaxRecordPlaintext - 1) / MaxRecordPlaintext;
        _outbound ??= _allocator.Buffer(length + (records * RecordOverhead));
        var previous = ChannelBio.Enter(this);
        try
        {
            if (ByteBufferMemory.IsContiguous(plaintext))
            {
                fixed (byte* source = &ByteBufferMemory.At(plaintext, plaintext.ReaderIndex))
                {
                    return WriteAll(source, length);
                }
            }

            // Composite buffers: encrypt component by component.
            foreach (var segment in plaintext.GetIoBuffers(plaintext.ReaderIndex, length))
            {
                if (segment.Count == 0)
                {
                    continue;
                }

                fixed (byte* source = segment.AsSpan())
                {
                    var status = WriteAll(source, segment.Count);
                    if (status != OpenSslStatus.Done)
                    {
                        return status;
                    }
                }
            }

            return OpenSslStatus.Done;
        }
        finally
        {
            ChannelBio.Leave(previous);
        }
    }

    /// <summary>Queues close_notify into the outbound buffer; errors are irrelevant at this point.</summary>
    public void Shutdown()
    {
        if (!IsHandshakeComplete)
        {
            return;
        }

        var previous = ChannelBio.Enter(this);
        try
        {
            LibCrypto.ERR_clear_error();
            _ = LibSsl.SSL_shutdown(_sslPtr);
            LibCrypto.ERR_clear_error();
        }
        finally
        {
            ChannelBio.Leave(previous);
        }
    }

    private OpenSslStatus WriteAll(byte* source, int length)
    {
        LibCrypto.ERR_clear_error();
        nuint written;

        // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write_ex writes everything or fails; the BIO never refuses bytes.
        var result = LibSsl.SSL_write_ex(_sslPtr, source, (nuint)length, &written);
        return result == 1 && _bioException is null ? OpenSslStatus.Done : Classify(result, "write");
    }

    private OpenSslStatus Classify(int result, string operation)
    {
        if (_bioException is not null)
        {
            LastError = $"{operation}: {_bioException.GetType().Name}: {_bioException.Message}";
            LibCrypto.ERR_clear_error();
            return OpenSslStatus.Failed;
        }

        var error = LibSsl.SSL_get_error(_sslPtr, result);
        switch (error)
        {
            case LibSsl.SSL_ERROR_WANT_READ:
                return OpenSslStatus.WantRead;
            case LibSsl.SSL_ERROR_ZERO_RETURN:
                return OpenSslStatus.Closed;
            default:
                var reason = OpenSslError.Drain();
                LastError = reason is null
                    ? $"{operation}: SSL_get_error {error}"
                    : $"{operation}: {reason}";
                return OpenSslStatus.Failed;
        }
    }
}
