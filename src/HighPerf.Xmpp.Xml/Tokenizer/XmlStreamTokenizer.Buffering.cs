using System.Buffers;

namespace HighPerf.Xmpp.Xml.Tokenizer;

public sealed partial class XmlStreamTokenizer
{
    /// <summary>Longest XML declaration (byte order mark included) accepted; a real one is under 60 bytes.</summary>
    private const int MaxDeclarationBytes = 256;

    /// <summary>Smallest piece appended to a buffered unit at a time. Appending the whole of a large chunk
    /// would copy bytes that belong to later units, which are parsed in place instead.</summary>
    private const int MinAppendBytes = 2048;

    private byte[]? _buffer;
    private int _buffered;

    private int UnitLimit() => _unitKind switch
    {
        UnitKind.Declaration => MaxDeclarationBytes,
        UnitKind.Header => _maxHeaderBytes,
        _ => _maxStanzaBytes,
    };

    /// <summary>Copies the unfinished unit (a slice of the caller's input) into a pooled buffer.</summary>
    private void StartBuffer(ReadOnlySpan<byte> unit)
    {
        EnsureBufferCapacity(unit.Length);
        unit.CopyTo(_buffer);
        _buffered = unit.Length;
    }

    /// <summary>
    /// Appends input to the buffered unit piece by piece and resumes parsing it. On completion the unit
    /// is buffer[0.._pos] and <paramref name="offset"/> is just after its last byte in the input (bytes
    /// appended past the unit's end are given back).
    /// </summary>
    private ScanResult ContinueBufferedUnit(ReadOnlySpan<byte> input, ref int offset)
    {
        var keptBytes = _buffered;
        while (true)
        {
            var limit = UnitLimit();
            var take = Math.Min(input.Length - offset, limit - _buffered);
            take = Math.Min(take, Math.Max(_buffer!.Length - _buffered, MinAppendBytes));
            if (take > 0)
            {
                EnsureBufferCapacity(_buffered + take);
                input.Slice(offset, take).CopyTo(_buffer.AsSpan(_buffered));
                _buffered += take;
                offset += take;
            }

            var result = ParseUnit(_buffer.AsSpan(0, _buffered));
            if (result == ScanResult.Complete)
            {
                if (_pos < keptBytes)
                {
                    // Only a declaration unit ends before the bytes kept from earlier chunks: it found no
                    // declaration, and those bytes ('<' and a prefix of "<?xml") begin the next unit.
                    keptBytes -= _pos;
                    StartNextUnitInBuffer();
                    continue;
                }

                offset -= _buffered - _pos;
                return result;
            }

            if (result == ScanResult.Error)
            {
                return result;
            }

            if (_buffered >= limit)
            {
                return FailScan(XmlStreamError.PolicyViolation);
            }

            if (offset == input.Length)
            {
                return ScanResult.NeedMore;
            }
        }
    }

    private void StartNextUnitInBuffer()
    {
        var start = _pos;
        _buffer.AsSpan(start, _buffered - start).CopyTo(_buffer);
        _buffer.AsSpan(_buffered - start, start).Clear();
        _buffered -= start;
        _phase = AfterDeclarationPhase();
        BeginUnit(Mode == XmlStreamMode.Stream ? UnitKind.Header : UnitKind.Element);
    }

    private void EnsureBufferCapacity(int needed)
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(needed);
            return;
        }

        if (_buffer.Length >= needed)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _buffered).CopyTo(larger);
        ReturnBuffer(_buffer, _buffered);
        _buffer = larger;
    }

    /// <summary>Takes the buffer out of the tokenizer so that its state is clean before the sink runs.</summary>
    private byte[] DetachBuffer(out int length)
    {
        var buffer = _buffer!;
        length = _buffered;
        _buffer = null;
        _buffered = 0;
        return buffer;
    }

    private void ReleaseBuffer()
    {
        if (_buffer is not null)
        {
            var buffer = DetachBuffer(out var length);
            ReturnBuffer(buffer, length);
        }
    }

    private static void ReturnBuffer(byte[] buffer, int used)
    {
        // Stanzas carry credentials (SASL PLAIN) and private messages; a shared pool must not hand them on.
        buffer.AsSpan(0, used).Clear();
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
