namespace HighPerf.Xmpp.Http.Framing;

/// <summary>One converted unit: a range of <see cref="OutboundFramer"/>'s output buffer.</summary>
internal readonly record struct Frame(FrameKind Kind, int Start, int Length);
