using HighPerf.Xmpp.Core.Buffers;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Per-resource switches of the IM extensions (carbons, blocking pushes, client state indication).</summary>
public sealed partial class XmppSession
{
    private bool _carbonsEnabled;
    private IOutboundFilter? _outboundFilter;

    /// <summary>XEP-0280: this resource asked for carbon copies of the user's other conversations.</summary>
    public bool CarbonsEnabled
    {
        get => Volatile.Read(ref _carbonsEnabled);
        set => Volatile.Write(ref _carbonsEnabled, value);
    }

    /// <summary>XEP-0191: this resource retrieved the blocklist, so it gets blocklist pushes.</summary>
    public bool WantsBlocklistPushes { get; set; }

    /// <summary>The filter outbound stanzas pass through (XEP-0352 while inactive), or null.</summary>
    public IOutboundFilter? OutboundFilter => Volatile.Read(ref _outboundFilter);

    /// <summary>Installs (or with null, removes) the outbound filter. The caller flushes what the old one held.</summary>
    public void SetOutboundFilter(IOutboundFilter? filter) => Volatile.Write(ref _outboundFilter, filter);

    /// <summary>Thread-safe. Queues a stanza past any outbound filter (still counted and kept by XEP-0198).</summary>
    public bool SendUnfiltered(scoped in OutboundParts parts) => HandToTransport(parts);
}
