using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Modules.Blocking;

/// <summary>XEP-0191 names and the pre-encoded error for a stanza to a blocked JID.</summary>
internal static class BlockingNames
{
    public static ReadOnlySpan<byte> Namespace => "urn:xmpp:blocking"u8;

    /// <summary>XEP-0191 §3.3: not-acceptable with the blocking:errors child.</summary>
    public static ReadOnlySpan<byte> BlockedError =>
        "<error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><blocked xmlns='urn:xmpp:blocking:errors'/></error>"u8;

    public static void WriteItem(PooledBufferWriter writer, ReadOnlySpan<byte> jid)
    {
        writer.Write("<item"u8);
        EscapingWriter.WriteEscapedAttribute(writer, "jid"u8, jid);
        writer.Write("/>"u8);
    }
}
