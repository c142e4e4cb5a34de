using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Stream level: what lies between units, which unit comes next, and reporting a completed unit.</summary>
public sealed partial class XmlStreamTokenizer
{
    private StreamScope? _stream;

    /// <summary>
    /// Skips what may lie between units (whitespace keepalives) and begins the next unit at
    /// <paramref name="offset"/>. False when the input is exhausted or bad (then <see cref="_error"/> is set).
    /// </summary>
    private bool SkipToUnit(ReadOnlySpan<byte> input, ref int offset)
    {
        while (offset < input.Length)
        {
            if (_phase == StreamPhase.Start)
            {
                if (XmlChars.IsSpace(input[offset]))
                {
                    // Whitespace first: an XML declaration can no longer come.
                    _phase = AfterDeclarationPhase();
                    continue;
                }

                BeginUnit(UnitKind.Declaration);
                return true;
            }

            // Stanzas usually follow each other directly: skip the search then.
            if (input[offset] != (byte)'<')
            {
                var skipped = input[offset..].IndexOfAnyExcept(XmlChars.Whitespace);
                if (skipped < 0)
                {
                    offset = input.Length;
                    return false;
                }

                offset += skipped;
            }

            var b = input[offset];
            switch (_phase)
            {
                case StreamPhase.BeforeRoot when b == (byte)'<':
                    BeginUnit(UnitKind.Header);
                    return true;
                case StreamPhase.InStream when b == (byte)'<':
                    BeginUnit(UnitKind.Element);
                    return true;
                case StreamPhase.InStream when b >= 0x20:
                    // Character data between stanzas is well-formed XML but not a valid stream: only
                    // whitespace (keepalives) may appear there (RFC 6120 §4.7.5 / §11.7).
                    Fail(XmlStreamError.BadFormat);
                    return false;
                default:
                    Fail(XmlStreamError.NotWellFormed);
                    return false;
            }
        }

        return false;
    }

    private StreamPhase AfterDeclarationPhase() =>
        Mode == XmlStreamMode.Stream ? StreamPhase.BeforeRoot : StreamPhase.InStream;

    private void BeginUnit(UnitKind kind)
    {
        _unitKind = kind;
        _state = kind == UnitKind.Declaration ? ParseState.Declaration : ParseState.TagOpen;
        _pos = 0;
        _depth = 0;
        _bindingCount = 0;
        _attributeCount = 0;
    }

    /// <summary>Reports a completed unit (its exact bytes) and moves the stream phase on.</summary>
    private bool Emit<TSink>(ref TSink sink, ReadOnlySpan<byte> unit)
        where TSink : struct, IXmlStreamSink
    {
        switch (_unitKind)
        {
            case UnitKind.Element:
                return EmitElement(ref sink, unit);
            case UnitKind.Header:
                return EmitHeader(ref sink, unit);
            case UnitKind.Close:
                _phase = StreamPhase.Closed;
                return sink.OnStreamClose();
            default:
                _phase = AfterDeclarationPhase();
                return true;
        }
    }

    private bool EmitElement<TSink>(ref TSink sink, ReadOnlySpan<byte> raw)
        where TSink : struct, IXmlStreamSink
    {
        var localStart = _topPrefixLength == 0 ? 1 : _topPrefixLength + 2;
        var element = new XmlElement(
            raw,
            raw.Slice(localStart, _topNameLength + 1 - localStart),
            NamespaceSpan(_topNamespace, raw),
            _topNameLength + 1,
            _topStartTagEnd,
            _topEmpty,
            _to,
            _from,
            _type,
            _id,
            _lang);
        return sink.OnElement(in element);
    }

    private bool EmitHeader<TSink>(ref TSink sink, ReadOnlySpan<byte> raw)
        where TSink : struct, IXmlStreamSink
    {
        _stream ??= new StreamScope();
        _stream.Capture(raw, 1, _topNameLength, _bindings.AsSpan(0, _bindingCount));
        _phase = StreamPhase.InStream;

        var localStart = _topPrefixLength == 0 ? 1 : _topPrefixLength + 2;
        var header = new StreamHeader(
            raw,
            raw.Slice(localStart, _topNameLength + 1 - localStart),
            NamespaceSpan(_topNamespace, raw),
            NamespaceSpan(_stream.Default, raw),
            _to,
            _from,
            _version,
            _lang,
            _id);
        return sink.OnStreamOpen(in header);
    }

    private ReadOnlySpan<byte> NamespaceSpan(NamespaceRef ns, ReadOnlySpan<byte> unit) => ns.Source switch
    {
        NamespaceSource.Unit => unit.Slice(ns.Start, ns.Length),
        NamespaceSource.Stream => _stream!.Bytes.Slice(ns.Start, ns.Length),
        NamespaceSource.Xml => XmlConstants.XmlNamespace,
        _ => default,
    };
}
