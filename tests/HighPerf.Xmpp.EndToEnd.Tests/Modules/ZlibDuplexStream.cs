using System.IO.Compression;

namespace HighPerf.Xmpp.EndToEnd.Tests.Modules;

/// <summary>
/// A client's XEP-0138 zlib layer: reads inflate what the server sent, writes deflate and every flush is a sync
/// flush (so the server can decode each send). Counts the compressed bytes read, for tests of the flush policy.
/// </summary>
internal sealed class ZlibDuplexStream : Stream
{
    private readonly CountingStream _inner;
    private readonly ZLibStream _inflate;
    private readonly ZLibStream _deflate;

    public ZlibDuplexStream(Stream inner)
    {
        _inner = new CountingStream(inner);
        _inflate = new ZLibStream(_inner, CompressionMode.Decompress, leaveOpen: true);
        _deflate = new ZLibStream(_inner, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Compressed bytes received so far.</summary>
    public long CompressedBytesRead => _inner.BytesRead;

    /// <summary>Sends bytes below the zlib layer, as they are (corrupt-stream tests).</summary>
    public async Task WriteBelowAsync(byte[] bytes)
    {
        await _inner.WriteAsync(bytes);
        await _inner.FlushAsync();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inflate.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inflate.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _deflate.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _deflate.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _deflate.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflate.Dispose();
            try
            {
                _deflate.Dispose();
            }
            catch (Exception)
            {
                // The connection is already gone: the final zlib block cannot be sent.
            }

            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
