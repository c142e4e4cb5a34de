using System.Buffers;

namespace HighPerf.Xmpp.Xml.Tests.Writer;

/// <summary>An IBufferWriter that hands out spans of exactly the size asked for (at least 1), so that
/// every "output full, get more" path of the writer runs.</summary>
public sealed class TinySpanWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _current = [];

    public byte[] WrittenBytes => [.. _written];

    public int GetSpanCalls { get; private set; }

    public void Advance(int count)
    {
        Assert.InRange(count, 0, _current.Length);
        _written.AddRange(_current.AsSpan(0, count));
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(1, sizeHint)];

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        GetSpanCalls++;
        return _current = new byte[Math.Max(1, sizeHint)];
    }
}
