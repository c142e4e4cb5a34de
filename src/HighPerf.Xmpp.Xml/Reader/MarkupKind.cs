namespace HighPerf.Xmpp.Xml.Reader;

internal enum MarkupKind : byte
{
    None,
    StartTag,
    EndTag,
}
