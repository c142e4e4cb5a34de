namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>Attributes reported on a top-level element or the stream header.</summary>
internal enum RoutingAttribute : byte
{
    None,
    To,
    From,
    Type,
    Id,
    Lang,
    Version,
}
