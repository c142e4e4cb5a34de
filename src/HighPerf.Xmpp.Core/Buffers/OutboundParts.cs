namespace HighPerf.Xmpp.Core.Buffers;

/// <summary>
/// Up to six byte slices that together form one outbound unit (for example a routed stanza with its
/// 'from' attribute inserted), so that the router copies the stanza once, straight into the recipient's
/// queue, without first assembling it elsewhere.
/// </summary>
public readonly ref struct OutboundParts
{
    public OutboundParts(ReadOnlySpan<byte> p0)
        : this(p0, default, default, default, default, default)
    {
    }

    public OutboundParts(ReadOnlySpan<byte> p0, ReadOnlySpan<byte> p1)
        : this(p0, p1, default, default, default, default)
    {
    }

    public OutboundParts(ReadOnlySpan<byte> p0, ReadOnlySpan<byte> p1, ReadOnlySpan<byte> p2)
        : this(p0, p1, p2, default, default, default)
    {
    }

    public OutboundParts(
        ReadOnlySpan<byte> p0,
        ReadOnlySpan<byte> p1,
        ReadOnlySpan<byte> p2,
        ReadOnlySpan<byte> p3,
        ReadOnlySpan<byte> p4 = default,
        ReadOnlySpan<byte> p5 = default)
    {
        P0 = p0;
        P1 = p1;
        P2 = p2;
        P3 = p3;
        P4 = p4;
        P5 = p5;
    }

    public ReadOnlySpan<byte> P0 { get; }
    public ReadOnlySpan<byte> P1 { get; }
    public ReadOnlySpan<byte> P2 { get; }
    public ReadOnlySpan<byte> P3 { get; }
    public ReadOnlySpan<byte> P4 { get; }
    public ReadOnlySpan<byte> P5 { get; }

    public int Length => P0.Length + P1.Length + P2.Length + P3.Length + P4.Length + P5.Length;

    /// <summary>Copies all parts into <paramref name="destination"/>, which must hold <see cref="Length"/> bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        var at = 0;
        P0.CopyTo(destination);
        at += P0.Length;
        P1.CopyTo(destination[at..]);
        at += P1.Length;
        P2.CopyTo(destination[at..]);
        at += P2.Length;
        P3.CopyTo(destination[at..]);
        at += P3.Length;
        P4.CopyTo(destination[at..]);
        at += P4.Length;
        P5.CopyTo(destination[at..]);
    }
}
