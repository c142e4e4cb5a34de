namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// The arrays a tokenizer needs only while it parses a unit: attribute slots, open-element frames and the unit's
/// namespace bindings (those of the stream header are copied into <see cref="StreamScope"/>). Between units they hold
/// nothing worth keeping, so a tokenizer borrows a set for the length of a <c>Feed</c> call and keeps it only while a
/// unit is unfinished: an idle stream holds none, and the ~650 bytes are per thread instead of per connection.
/// </summary>
/// <remarks>
/// Each thread keeps a small stack of free sets: a sink callback that feeds another tokenizer on the same thread (a
/// module tokenizing a stored stanza) pops the next set, so nested parsers never share arrays. A set grown by a large
/// stanza goes back grown and is reused as it is (bounded by the stream limits).
/// </remarks>
internal sealed class TokenizerScratch
{
    /// <summary>Free sets kept per thread: the event loop's tokenizer plus nested ones.</summary>
    private const int PerThread = 4;

    [ThreadStatic]
    private static TokenizerScratch?[]? t_free;

    [ThreadStatic]
    private static int t_freeCount;

    public AttributeSlot[] Attributes = new AttributeSlot[8];
    public ElementFrame[] Frames = new ElementFrame[4];
    public NamespaceBinding[] Bindings = new NamespaceBinding[8];

    public static TokenizerScratch Rent()
    {
        var free = t_free;
        if (free is not null && t_freeCount > 0)
        {
            var index = --t_freeCount;
            var scratch = free[index]!;
            free[index] = null;
            return scratch;
        }

        return new TokenizerScratch();
    }

    public static void Return(TokenizerScratch scratch)
    {
        var free = t_free ??= new TokenizerScratch?[PerThread];
        if (t_freeCount < free.Length)
        {
            free[t_freeCount++] = scratch;
        }
    }
}
