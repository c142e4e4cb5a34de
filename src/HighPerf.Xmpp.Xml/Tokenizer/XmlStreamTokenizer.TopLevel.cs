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

    private void CaptureTopLevel(NamespaceRef elementNamespace, int startTagEnd, bool isEmpty)
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
            if (attribute.Routing == RoutingAttribute.None)
            {
                continue;
            }

            var range = new AttributeRange(attribute.ValueStart, attribute.ValueLength, attribute.Start, attribute.End);
            switch (attribute.Routing)
            {
                case RoutingAttribute.To:
                    _to = range;
                    break;
                case RoutingAttribute.From:
                    _from = range;
                    break;
                case RoutingAttribute.Type:
                    _type = range;
                    break;
                case RoutingAttribute.Id:
                    _id = range;
                    break;
                case RoutingAttribute.Lang:
                    _lang = range;
                    break;
                default:
                    _version = range;
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
