using System.IO.Compression;
using DotNetty.Buffers;
using DotNetty.Codecs.Compression;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// A compressor under test, writing into an output array shared by all instances (one is used at a time), so
/// that <see cref="SessionMemory"/> counts only what a codec itself keeps per session.
/// </summary>
internal abstract class DeflateUnderTest : IDisposable
{
    private static byte[] s_out = new byte[128 * 1024];

    protected static byte[] Out => s_out;

    protected int OutLength { get; set; }

    public ReadOnlySpan<byte> Output => Out.AsSpan(0, OutLength);

    public void ResetOutput() => OutLength = 0;

    public abstract void Write(byte[] data);

    /// <summary>Ends a batch: everything written so far becomes decodable (sync flush), or also forgets the
    /// history (full flush, libz only).</summary>
    public abstract void Flush(bool full = false);

    public abstract void Dispose();

    public static DeflateUnderTest Create(CodecConfig config) => config.Codec switch
    {
        CodecKind.JZlib => new JZlib(config),
        CodecKind.ZLibStream => new Runtime(config),
        _ => new LibZ(config),
    };

    protected void EnsureRoom(int bytes)
    {
        if (Out.Length - OutLength < bytes)
        {
            var bigger = new byte[Math.Max(Out.Length * 2, OutLength + bytes)];
            Output.CopyTo(bigger);
            s_out = bigger;
        }
    }

    private sealed class LibZ(CodecConfig config) : DeflateUnderTest
    {
        private readonly ZlibDeflater _deflater = new(config.Level, config.WindowBits, config.MemLevel);

        public override void Write(byte[] data) => Run(data, DeflateFlush.None);

        public override void Flush(bool full = false) => Run(default, full ? DeflateFlush.Full : DeflateFlush.Sync);

        public override void Dispose() => _deflater.Dispose();

        private void Run(ReadOnlySpan<byte> input, DeflateFlush flush)
        {
            while (true)
            {
                EnsureRoom(256);
                var complete = _deflater.Compress(input, Out.AsSpan(OutLength), flush, out var consumed, out var written);
                OutLength += written;
                input = input[consumed..];
                if (complete)
                {
                    return;
                }

                EnsureRoom(Out.Length);
            }
        }
    }

    /// <summary>DotNetty's encoder, called as the pipeline would (Encode per written buffer: it sync-flushes each).</summary>
    private sealed class JZlib : DeflateUnderTest
    {
        private readonly Probe _encoder;
        private static readonly IByteBuffer Input = Unpooled.Buffer(4096);
        private static readonly IByteBuffer Output2 = Unpooled.Buffer(128 * 1024);

        public JZlib(CodecConfig config) => _encoder = new Probe(config);

        public override void Write(byte[] data)
        {
            Input.Clear();
            Input.WriteBytes(data);
            Output2.Clear();
            _encoder.EncodeInto(Input, Output2);
            EnsureRoom(Output2.ReadableBytes);
            Output2.GetBytes(Output2.ReaderIndex, Out, OutLength, Output2.ReadableBytes);
            OutLength += Output2.ReadableBytes;
        }

        public override void Flush(bool full = false)
        {
            if (full)
            {
                throw new NotSupportedException("JZlibEncoder has no full flush.");
            }
        }

        public override void Dispose()
        {
        }

        private sealed class Probe(CodecConfig config) : JZlibEncoder(ZlibWrapper.Zlib, config.Level, config.WindowBits, config.MemLevel)
        {
            public void EncodeInto(IByteBuffer message, IByteBuffer output) => Encode(null!, message, output);
        }
    }

    /// <summary>System.IO.Compression: the runtime's native zlib behind a Stream; Flush() is a sync flush.</summary>
    private sealed class Runtime : DeflateUnderTest
    {
        private readonly ZLibStream _stream;

        public Runtime(CodecConfig config)
        {
            _stream = new ZLibStream(new Sink(this), new ZLibCompressionOptions { CompressionLevel = config.Level }, leaveOpen: false);
        }

        public override void Write(byte[] data) => _stream.Write(data);

        public override void Flush(bool full = false)
        {
            if (full)
            {
                throw new NotSupportedException("ZLibStream has no full flush.");
            }

            _stream.Flush();
        }

        public override void Dispose() => _stream.Dispose();

        private sealed class Sink(Runtime owner) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                owner.EnsureRoom(buffer.Length);
                buffer.CopyTo(Out.AsSpan(owner.OutLength));
                owner.OutLength += buffer.Length;
            }

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
