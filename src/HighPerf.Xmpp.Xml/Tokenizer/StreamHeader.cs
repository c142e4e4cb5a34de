namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// The opening &lt;stream:stream&gt; tag (RFC 6120 §4.7). Attribute values are raw; spans are valid only
/// during the sink callback.
/// </summary>
public readonly ref struct StreamHeader
{
    public StreamHeader(
        ReadOnlySpan<byte> raw,
        ReadOnlySpan<byte> localName,
        ReadOnlySpan<byte> namespaceName,
        ReadOnlySpan<byte> defaultNamespace,
        AttributeRange to,
        AttributeRange from,
        AttributeRange version,
        AttributeRange lang,
        AttributeRange id)
    {
        Raw = raw;
        LocalName = localName;
        Namespace = namespaceName;
        DefaultNamespace = defaultNamespace;
        To = to;
        From = from;
        Version = version;
        Lang = lang;
        Id = id;
    }

    /// <summary>Bytes of the start tag only (from '&lt;' through '&gt;').</summary>
    public ReadOnlySpan<byte> Raw { get; }

    /// <summary>Local name of the root element ("stream" for a well-behaved peer).</summary>
    public ReadOnlySpan<byte> LocalName { get; }

    /// <summary>Resolved namespace of the root element (should be http://etherx.jabber.org/streams).</summary>
    public ReadOnlySpan<byte> Namespace { get; }

    /// <summary>The default namespace declared on the header (jabber:client, jabber:server, ...); empty when none.</summary>
    public ReadOnlySpan<byte> DefaultNamespace { get; }

    public AttributeRange To { get; }
    public AttributeRange From { get; }
    public AttributeRange Version { get; }
    public AttributeRange Lang { get; }
    public AttributeRange Id { get; }

    public ReadOnlySpan<byte> ToValue => To.Value(Raw);
    public ReadOnlySpan<byte> FromValue => From.Value(Raw);
    public ReadOnlySpan<byte> VersionValue => Version.Value(Raw);
    public ReadOnlySpan<byte> LangValue => Lang.Value(Raw);
    public ReadOnlySpan<byte> IdValue => Id.Value(Raw);
}
