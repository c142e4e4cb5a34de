namespace HighPerf.Xmpp.Xml.Tokenizer;

public sealed partial class XmlStreamTokenizer
{
    /// <summary>
    /// Parses the current unit from the saved position. <paramref name="data"/> holds the unit's bytes
    /// received so far, starting with its first byte, so every offset kept while parsing is unit-relative
    /// and stays valid whether the unit lives in the caller's input or in the buffer.
    /// </summary>
    private ScanResult ParseUnit(ReadOnlySpan<byte> data)
    {
        var pos = _pos;
        var state = _state;
        ScanResult result;
        do
        {
            result = state switch
            {
                ParseState.Content => ScanContent(data, ref pos, ref state),
                ParseState.TagOpen => ScanTagOpen(data, ref pos, ref state),
                ParseState.StartTagName => ScanStartTagName(data, ref pos, ref state),
                ParseState.InTag => ScanInTag(data, ref pos, ref state),
                ParseState.AttributeName => ScanAttributeName(data, ref pos, ref state),
                ParseState.AttributeEquals => ScanAttributeEquals(data, ref pos, ref state),
                ParseState.AttributeQuote => ScanAttributeQuote(data, ref pos, ref state),
                ParseState.AttributeValue => ScanAttributeValue(data, ref pos, ref state),
                ParseState.EmptyTagClose => ScanEmptyTagClose(data, ref pos, ref state),
                ParseState.EndTagName => ScanEndTagName(data, ref pos, ref state),
                ParseState.EndTagClose => ScanEndTagClose(data, ref pos, ref state),
                ParseState.Bang => ScanBang(data, ref pos, ref state),
                ParseState.CData => ScanCData(data, ref pos, ref state),
                _ => ScanDeclaration(data, ref pos),
            };
        }
        while (result == ScanResult.Continue);

        _pos = pos;
        _state = state;
        return result;
    }
}
