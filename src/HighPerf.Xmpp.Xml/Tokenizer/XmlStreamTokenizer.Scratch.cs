namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// Lending of the per-unit arrays (<see cref="TokenizerScratch"/>): taken at the start of a Feed call, given back
/// at its end unless a unit is unfinished (then its parsed attributes and frames must survive until the next chunk).
/// The arrays hold offsets only, never input bytes, so a set passed between connections carries no data.
/// </summary>
public sealed partial class XmlStreamTokenizer
{
    private TokenizerScratch? _scratch;

    /// <summary>Feed calls in progress on this tokenizer: only the outermost gives the arrays back, since a sink
    /// callback that feeds this same tokenizer again returns into a parse that still uses them.</summary>
    private int _feeding;

    /// <summary>True while the tokenizer keeps a borrowed set (a unit is unfinished): the idle-memory check.</summary>
    internal bool HoldsScratch => _scratch is not null;

    private void BorrowScratch()
    {
        _feeding++;
        if (_scratch is not null)
        {
            return;
        }

        var scratch = TokenizerScratch.Rent();
        _scratch = scratch;
        _attributes = scratch.Attributes;
        _frames = scratch.Frames;
        _bindings = scratch.Bindings;
    }

    private void EndFeed()
    {
        if (--_feeding == 0)
        {
            GiveBackScratchIfIdle();
        }
    }

    private void GiveBackScratchIfIdle()
    {
        if (_scratch is not { } scratch || _buffered > 0)
        {
            return;
        }

        // Arrays grown by this unit go back grown.
        scratch.Attributes = _attributes;
        scratch.Frames = _frames;
        scratch.Bindings = _bindings;
        _attributes = [];
        _frames = [];
        _bindings = [];
        _scratch = null;
        TokenizerScratch.Return(scratch);
    }
}
