using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// The session's address in one array: the normalized JID, then the pre-encoded <c> from='JID'</c> and
/// <c> to='JID'</c> attributes the router stamps on every stanza (escaped, so they are copies, not slices of the
/// JID). One array instead of three saves two array headers per session; it is replaced, never changed, so a span
/// taken from it stays valid.
/// </summary>
public sealed partial class XmppSession
{
    private byte[] _identity = [];
    private int _jidLength;
    private int _fromLength;

    /// <summary>Normalized full JID once bound (bare JID once authenticated).</summary>
    public ReadOnlySpan<byte> FullJid => _identity.AsSpan(0, _jidLength);

    public ReadOnlySpan<byte> BareJid => _identity.AsSpan(0, _bareLength);

    public ReadOnlySpan<byte> Resource => _resourceStart < 0 ? default : _identity.AsSpan(_resourceStart, _jidLength - _resourceStart);

    /// <summary>The pre-encoded ` from='full JID'` attribute the router inserts into stanzas from this session.</summary>
    public ReadOnlySpan<byte> FromAttribute => _identity.AsSpan(_jidLength, _fromLength);

    /// <summary>The pre-encoded ` to='full JID'` attribute for stanzas addressed to this session.</summary>
    public ReadOnlySpan<byte> ToAttribute => _identity.AsSpan(_jidLength + _fromLength);

    /// <summary>Authenticated as <paramref name="bareJid"/>: no resource and no attributes yet.</summary>
    private void SetBareIdentity(ReadOnlySpan<byte> bareJid)
    {
        _identity = bareJid.ToArray();
        _jidLength = bareJid.Length;
        _bareLength = bareJid.Length;
        _fromLength = 0;
        _resourceStart = -1;
    }

    /// <summary>Bound (or a stand-in) as <paramref name="jid"/> (normalized); <paramref name="resourceStart"/> is -1 for a
    /// bare JID.</summary>
    private void SetIdentity(ReadOnlySpan<byte> jid, int bareLength, int resourceStart)
    {
        using var attributes = new PooledBufferWriter(2 * (jid.Length + 16));
        EscapingWriter.WriteEscapedAttribute(attributes, XmppNames.From, jid);
        var fromLength = attributes.WrittenSpan.Length;
        EscapingWriter.WriteEscapedAttribute(attributes, XmppNames.To, jid);
        var identity = new byte[jid.Length + attributes.WrittenSpan.Length];
        jid.CopyTo(identity);
        attributes.WrittenSpan.CopyTo(identity.AsSpan(jid.Length));
        _identity = identity;
        _jidLength = jid.Length;
        _fromLength = fromLength;
        _bareLength = bareLength;
        _resourceStart = resourceStart;
    }
}
