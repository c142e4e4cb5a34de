namespace HighPerf.Xmpp.Http.Framing;

/// <summary>Attribute lookups in a start tag the tokenizer has already checked for well-formedness.</summary>
internal static class StartTagScanner
{
    /// <summary>True when the start tag <paramref name="tag"/> (from '&lt;' through '&gt;') has an attribute named exactly
    /// <paramref name="name"/> (e.g. "xmlns" or "xmlns:stream"), scanning from <paramref name="afterName"/>.
    /// Quoted values are skipped whole, so "xmlns=" inside a value does not count.</summary>
    public static bool HasAttribute(ReadOnlySpan<byte> tag, int afterName, ReadOnlySpan<byte> name)
    {
        var pos = afterName;
        while (true)
        {
            while (pos < tag.Length && IsSpace(tag[pos]))
            {
                pos++;
            }

            if (pos >= tag.Length || tag[pos] == (byte)'/' || tag[pos] == (byte)'>')
            {
                return false;
            }

            var nameStart = pos;
            while (pos < tag.Length && tag[pos] != (byte)'=' && !IsSpace(tag[pos]))
            {
                pos++;
            }

            var attributeName = tag[nameStart..pos];
            var equals = tag[pos..].IndexOf((byte)'=');
            if (equals < 0)
            {
                return false;
            }

            pos += equals + 1;
            while (pos < tag.Length && IsSpace(tag[pos]))
            {
                pos++;
            }

            if (pos >= tag.Length)
            {
                return false;
            }

            var quote = tag[pos];
            var close = tag[(pos + 1)..].IndexOf(quote);
            if (close < 0)
            {
                return false;
            }

            if (attributeName.SequenceEqual(name))
            {
                return true;
            }

            pos += close + 2;
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
