namespace HighPerf.Xmpp.Http.WebSockets;

/// <summary>One queued outbound unit: a pooled array (returned by the writer) and its used length.</summary>
internal readonly record struct OutboundChunk(byte[] Buffer, int Length, bool Final);
