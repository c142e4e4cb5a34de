namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Incremental tokenizer for one XMPP stream. Not thread-safe: one per connection.
/// </summary>
/// <remarks>
/// The stream is cut into units (the XML declaration, the stream header, each top-level element, the
/// root's end tag). A unit that lies entirely in one input chunk is parsed and reported in place; only
/// the unfinished tail of a unit is copied, into a buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>
/// and returned as soon as the unit completes, so an idle stream holds no buffer. Parsing resumes where
/// it stopped (see <see cref="ParseState"/>), so a chunk boundary anywhere gives the same events.
/// Bad input is reported as an <see cref="XmlStreamError"/>; nothing here throws on input.
/// <para>Error kinds (RFC 6120 §4.9.3, §11):</para>
/// <list type="bullet">
/// <item>NotWellFormed: XML 1.0 / Namespaces in XML violations: syntax, mismatched end tags, duplicate
/// attributes (also after namespace resolution), unbound prefixes, reserved xml/xmlns misuse, illegal
/// characters, invalid UTF-8 or character references, "]]&gt;" in text, bytes after the root's end tag.</item>
/// <item>RestrictedXml: comments, processing instructions (an XML declaration anywhere but the very start
/// included), DOCTYPE/ENTITY and other "&lt;!" markup, and references to entities other than the five
/// predefined ones (§11.1 lists "entity references" there, so &amp;foo; is restricted, not malformed).</item>
/// <item>BadFormat: well-formed but not a stream: a root other than 'stream' (a stanza sent first), an
/// empty &lt;stream:stream/&gt;, and non-whitespace character data or CDATA between stanzas.</item>
/// <item>InvalidNamespace: a 'stream' root outside http://etherx.jabber.org/streams (any prefix is accepted;
/// the content namespace is the caller's to check).</item>
/// <item>UnsupportedEncoding: an XML declaration naming anything but UTF-8 (case-insensitive), a UTF-16 or
/// UTF-32 byte order mark, or UTF-16 without one. A UTF-8 byte order mark is skipped.</item>
/// <item>PolicyViolation: <see cref="XmlStreamLimits"/> exceeded, and an XML declaration over 256 bytes.</item>
/// </list>
/// </remarks>
public sealed partial class XmlStreamTokenizer : IDisposable
{
    private XmlStreamError _error;
    private StreamPhase _phase;
    private UnitKind _unitKind;
    private ParseState _state;
    private int _pos;

    // The limits, copied out of the record: they are checked per name, attribute and element.
    private readonly int _maxStanzaBytes;
    private readonly int _maxHeaderBytes;
    private readonly int _maxDepth;
    private readonly int _maxAttributes;
    private readonly int _maxNameBytes;

    public XmlStreamTokenizer(XmlStreamLimits? limits = null, XmlStreamMode mode = XmlStreamMode.Stream)
    {
        Limits = limits ?? XmlStreamLimits.Default;
        Mode = mode;
        _maxStanzaBytes = Limits.MaxStanzaBytes;
        _maxHeaderBytes = Limits.MaxStreamHeaderBytes;
        _maxDepth = Limits.MaxDepth;
        _maxAttributes = Limits.MaxAttributes;
        _maxNameBytes = Limits.MaxNameBytes;
    }

    public XmlStreamLimits Limits { get; }

    public XmlStreamMode Mode { get; }

    /// <summary>Bytes held for an unfinished token or stanza (the idle-memory figure).</summary>
    public int BufferedBytes => _buffered;

    /// <summary>
    /// Feeds the next chunk. Returns <see cref="XmlStreamError.None"/> unless the input is bad, in which
    /// case the tokenizer stays failed until <see cref="Reset"/>. <paramref name="consumed"/> is
    /// input.Length unless a sink callback returned false, in which case it is the offset just after
    /// that event.
    /// </summary>
    public XmlStreamError Feed<TSink>(ReadOnlySpan<byte> input, ref TSink sink, out int consumed)
        where TSink : struct, IXmlStreamSink
    {
        BorrowScratch();
        try
        {
            return FeedUnits(input, ref sink, out consumed);
        }
        finally
        {
            EndFeed();
        }
    }

    private XmlStreamError FeedUnits<TSink>(ReadOnlySpan<byte> input, ref TSink sink, out int consumed)
        where TSink : struct, IXmlStreamSink
    {
        consumed = 0;
        if (_error != XmlStreamError.None)
        {
            return _error;
        }

        var offset = 0;
        if (_buffered > 0)
        {
            var result = ContinueBufferedUnit(input, ref offset);
            if (result == ScanResult.NeedMore)
            {
                consumed = input.Length;
                return XmlStreamError.None;
            }

            if (result == ScanResult.Error)
            {
                return _error;
            }

            // The buffer goes back to the pool only after the sink has seen the spans pointing into it.
            var buffer = DetachBuffer(out var length);
            var keepGoing = Emit(ref sink, buffer.AsSpan(0, _pos));
            ReturnBuffer(buffer, length);
            if (!keepGoing)
            {
                consumed = offset;
                return XmlStreamError.None;
            }
        }

        while (SkipToUnit(input, ref offset))
        {
            var limit = UnitLimit();
            var unit = input.Slice(offset, Math.Min(input.Length - offset, limit));
            var result = ParseUnit(unit);
            if (result == ScanResult.NeedMore)
            {
                if (unit.Length >= limit)
                {
                    return Fail(XmlStreamError.PolicyViolation);
                }

                StartBuffer(unit);
                consumed = input.Length;
                return XmlStreamError.None;
            }

            if (result == ScanResult.Error)
            {
                return _error;
            }

            var length = _pos;
            offset += length;
            if (!Emit(ref sink, unit[..length]))
            {
                consumed = offset;
                return XmlStreamError.None;
            }
        }

        if (_error != XmlStreamError.None)
        {
            return _error;
        }

        consumed = input.Length;
        return XmlStreamError.None;
    }

    /// <summary>Starts a new stream (after STARTTLS, SASL success or compression): forgets all state
    /// and expects an optional XML declaration followed by a new stream header.</summary>
    public void Reset()
    {
        ReleaseBuffer();
        _error = XmlStreamError.None;
        _phase = StreamPhase.Start;
        _state = ParseState.Declaration;
        _pos = 0;
        _depth = 0;
        _bindingCount = 0;
        _attributeCount = 0;
        _stream?.Clear();
        if (_feeding == 0)
        {
            GiveBackScratchIfIdle();
        }
    }

    /// <summary>Returns the pooled buffer and scratch arrays, if any. The tokenizer stays usable: it behaves as after <see cref="Reset"/>.</summary>
    public void Dispose() => Reset();

    private XmlStreamError Fail(XmlStreamError error)
    {
        _error = error;
        return error;
    }

    private ScanResult FailScan(XmlStreamError error)
    {
        _error = error;
        return ScanResult.Error;
    }
}
