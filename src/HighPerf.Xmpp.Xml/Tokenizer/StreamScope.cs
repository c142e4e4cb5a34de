namespace HighPerf.Xmpp.Xml.Tokenizer;

/// <summary>
/// What the stream header leaves in scope for every stanza: the root's qualified name (to match
/// &lt;/stream:stream&gt;), its default namespace and its prefix declarations. Copied out of the header
/// unit so that the unit's buffer can go back to the pool: a few hundred bytes per stream, reused
/// across stream restarts when they fit.
/// </summary>
internal sealed class StreamScope
{
    private byte[] _bytes = [];
    private NamespaceBinding[] _bindings = [];
    private int _bindingCount;
    private int _rootNameLength;
    private NamespaceRef _default;

    public bool IsOpen { get; private set; }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public ReadOnlySpan<byte> RootName => _bytes.AsSpan(0, _rootNameLength);

    /// <summary>The header's default namespace; <see cref="NamespaceSource.None"/> when it declares none.</summary>
    public NamespaceRef Default => _default;

    public void Clear()
    {
        IsOpen = false;
        _bindingCount = 0;
        _rootNameLength = 0;
        _default = default;
    }

    public void Capture(ReadOnlySpan<byte> unit, int rootNameStart, int rootNameLength, ReadOnlySpan<NamespaceBinding> bindings)
    {
        var total = rootNameLength;
        foreach (ref readonly var binding in bindings)
        {
            total += binding.PrefixLength + binding.UriLength;
        }

        if (_bytes.Length < total)
        {
            _bytes = new byte[(total + 63) & ~63];
        }

        if (_bindings.Length < bindings.Length)
        {
            _bindings = new NamespaceBinding[bindings.Length];
        }

        unit.Slice(rootNameStart, rootNameLength).CopyTo(_bytes);
        _rootNameLength = rootNameLength;
        _default = default;
        _bindingCount = 0;
        var at = rootNameLength;
        foreach (ref readonly var binding in bindings)
        {
            var prefixStart = at;
            unit.Slice(binding.PrefixStart, binding.PrefixLength).CopyTo(_bytes.AsSpan(at));
            at += binding.PrefixLength;
            unit.Slice(binding.UriStart, binding.UriLength).CopyTo(_bytes.AsSpan(at));
            if (binding.PrefixLength == 0)
            {
                _default = binding.UriLength == 0 ? default : new NamespaceRef(NamespaceSource.Stream, at, binding.UriLength);
            }
            else
            {
                _bindings[_bindingCount++] = new NamespaceBinding
                {
                    PrefixStart = prefixStart,
                    PrefixLength = binding.PrefixLength,
                    UriStart = at,
                    UriLength = binding.UriLength,
                };
            }

            at += binding.UriLength;
        }

        IsOpen = true;
    }

    public bool TryResolve(ReadOnlySpan<byte> prefix, out NamespaceRef ns)
    {
        for (var i = _bindingCount - 1; i >= 0; i--)
        {
            ref readonly var binding = ref _bindings[i];
            if (_bytes.AsSpan(binding.PrefixStart, binding.PrefixLength).SequenceEqual(prefix))
            {
                ns = new NamespaceRef(NamespaceSource.Stream, binding.UriStart, binding.UriLength);
                return true;
            }
        }

        ns = default;
        return false;
    }
}
