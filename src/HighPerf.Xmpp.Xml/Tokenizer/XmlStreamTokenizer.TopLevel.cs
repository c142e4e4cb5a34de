using HighPerf.Xmpp.Xml.Internal;

namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>What is reported about the unit's top-level start tag (stanza or stream header).</summary>
public sealed partial class XmlStreamTokenizer
{
    private int _topNameLength;
    private int _topPrefixLength;
    private int _topStartTagEnd;
    private bool _topEmpty;
    private NamespaceRef _topNamespace;
    private AttributeRange _to;
    private AttributeRange _from;
    private AttributeRange _type;
    private AttributeRange _id;
    private AttributeRange _lang;
    private AttributeRange _version;

    private void CaptureTopLevel(ReadOnlySpan<byte> data, NamespaceRef elementNamespace, int startTagEnd, bool isEmpty)
    {
        _topNameLength = _tagNameLength;
        _topPrefixLength = _tagPrefixLength;
        _topNamespace = elementNamespace;
        _topStartTagEnd = startTagEnd;
        _topEmpty = isEmpty;
        _to = _from = _type = _id = _lang = _version = AttributeRange.Absent;
        for (var i = 0; i < _attributeCount; i++)
        {
            ref readonly var attribute = ref _attributes[i];
            var range = new AttributeRange(attribute.ValueStart, attribute.ValueLength, attribute.Start, attribute.End);
            var name = data.Slice(attribute.NameStart, attribute.NameLength);

            // Only unprefixed names count: p:to is another attribute entirely.
            switch (name.Length)
            {
                case 2 when name[0] == (byte)'t' && name[1] == (byte)'o':
                    _to = range;
                    break;
                case 2 when name[0] == (byte)'i' && name[1] == (byte)'d':
                    _id = range;
                    break;
                case 4 when name.SequenceEqual("from"u8):
                    _from = range;
                    break;
                case 4 when name.SequenceEqual("type"u8):
                    _type = range;
                    break;
                case 7 when name.SequenceEqual("version"u8):
                    _version = range;
                    break;
                case 8 when name.SequenceEqual("xml:lang"u8):
                    _lang = range;
                    break;
            }
        }
    }

    /// <summary>
    /// RFC 6120 §4.8.1: the root must be 'stream' in the streams namespace (any prefix is accepted: it is
    /// the expanded name that matters). A root with another local name (a stanza sent before any header)
    /// is bad-format; a 'stream' root in another namespace is invalid-namespace. The content namespace
    /// (jabber:client or jabber:server) is for the caller to check per listener.
    /// </summary>
    private ScanResult CheckHeader(ReadOnlySpan<byte> data, NamespaceRef elementNamespace, bool isEmpty)
    {
        var localStart = _topPrefixLength == 0 ? 1 : _topPrefixLength + 2;
        var localName = data.Slice(localStart, _topNameLength + 1 - localStart);
        if (!localName.SequenceEqual(XmlConstants.Stream))
        {
            return FailScan(XmlStreamError.BadFormat);
        }

        if (!NamespaceSpan(elementNamespace, data).SequenceEqual(XmlConstants.StreamsNamespace))
        {
            return FailScan(XmlStreamError.InvalidNamespace);
        }

        // <stream:stream/> would open and close the stream at once: nothing can be exchanged on it.
        return isEmpty ? FailScan(XmlStreamError.BadFormat) : ScanResult.Complete;
    }
}
