using System.IO.Compression;
using DotNetty.Buffers;
using DotNetty.Codecs.Compression;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Benchmarks.Compression;

/// <summary>A decompressor under test; returns the number of bytes inflated. Harness buffers are shared by all
/// instances (one is used at a time), so that <see cref="SessionMemory"/> counts only the codec's own state.</summary>
internal abstract class InflateUnderTest : IDisposable
{
    public abstract int Inflate(ReadOnlySpan<byte> compressed, int expectedBytes);

    public abstract void Dispose();

    public static InflateUnderTest Create(CodecConfig config) => config.Codec switch
    {
        CodecKind.JZlib => new JZlib(),
        CodecKind.ZLibStream => new Runtime(),
        _ => new LibZ(),
    };

    private sealed class LibZ : InflateUnderTest
    {
        /// <summary>Shared like the handler's pooled chunks: a session holds none between reads.</summary>
        private static readonly byte[] Scratch = new byte[16 * 1024];

        private readonly ZlibInflater _inflater = new();

        public override int Inflate(ReadOnlySpan<byte> compressed, int expectedBytes)
        {
            var total = 0;
            while (true)
            {
                var result = _inflater.Decompress(compressed, Scratch, out var consumed, out var written);
                compressed = compressed[consumed..];
                total += written;
                if (result != InflateResult.OutputFull)
                {
                    return result == InflateResult.NeedsInput ? total : throw new InvalidDataException(result.ToString());
                }
            }
        }

        public override void Dispose() => _inflater.Dispose();
    }

    /// <summary>DotNetty's decoder, called as the pipeline would (Decode per read, pooled output buffers).</summary>
    private sealed class JZlib : InflateUnderTest
    {
        private static readonly EmbeddedChannel Channel = new(new ChannelHandlerAdapter());
        private static readonly IByteBuffer Input = Unpooled.Buffer(64 * 1024);
        private static readonly List<object> Outputs = new(4);
        private readonly Probe _decoder = new();

        public override int Inflate(ReadOnlySpan<byte> compressed, int expectedBytes)
        {
            Input.Clear();
            Input.EnsureWritable(compressed.Length);
            compressed.CopyTo(Input.Array.AsSpan(Input.ArrayOffset + Input.WriterIndex));
            Input.SetWriterIndex(Input.WriterIndex + compressed.Length);
            _decoder.DecodeFrom(Channel.Pipeline.FirstContext(), Input, Outputs);
            var total = 0;
            foreach (var output in Outputs)
            {
                var buffer = (IByteBuffer)output;
                total += buffer.ReadableBytes;
                buffer.Release();
            }

            Outputs.Clear();
            return total;
        }

        public override void Dispose()
        {
        }

        private sealed class Probe() : JZlibDecoder(ZlibWrapper.Zlib)
        {
            public void DecodeFrom(IChannelHandlerContext context, IByteBuffer input, List<object> output) => Decode(context, input, output);
        }
    }

    /// <summary>System.IO.Compression's ZLibStream reading from a stream that hands it each read's bytes.</summary>
    private sealed class Runtime : InflateUnderTest
    {
        private static readonly byte[] Scratch = new byte[16 * 1024];
        private readonly Feed _feed = new();
        private readonly ZLibStream _stream;

        public Runtime() => _stream = new ZLibStream(_feed, CompressionMode.Decompress, leaveOpen: true);

        public override int Inflate(ReadOnlySpan<byte> compressed, int expectedBytes)
        {
            _feed.Append(compressed);
            if (expectedBytes == 0)
            {
                return _stream.Read(Scratch);
            }

            var total = 0;
            while (total < expectedBytes)
            {
                var read = _stream.Read(Scratch);
                if (read == 0)
                {
                    throw new InvalidDataException("ZLibStream ended early.");
                }

                total += read;
            }

            return total;
        }

        public override void Dispose() => _stream.Dispose();

        /// <summary>Hands the stream each read's bytes; its buffer is shared, so its leftover must be empty when
        /// another stream's read comes (it is: ZLibStream reads all it is offered).</summary>
        private sealed class Feed : Stream
        {
            private static byte[] s_data = new byte[64 * 1024];
            private int _start;
            private int _end;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public void Append(ReadOnlySpan<byte> bytes)
            {
                if (_end != _start)
                {
                    throw new InvalidOperationException("ZLibStream left input unread.");
                }

                if (bytes.Length > s_data.Length)
                {
                    s_data = new byte[bytes.Length * 2];
                }

                bytes.CopyTo(s_data);
                _start = 0;
                _end = bytes.Length;
            }

            public override int Read(Span<byte> buffer)
            {
                var count = Math.Min(buffer.Length, _end - _start);
                s_data.AsSpan(_start, count).CopyTo(buffer);
                _start += count;
                return count;
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
