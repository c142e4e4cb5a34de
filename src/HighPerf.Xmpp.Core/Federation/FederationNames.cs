namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Fixed names and pre-encoded tokens of server-to-server streams (RFC 6120, XEP-0220, XEP-0288).</summary>
public static class FederationNames
{
    public static ReadOnlySpan<byte> NsDialback => "jabber:server:dialback"u8;
    public static ReadOnlySpan<byte> NsDialbackFeature => "urn:xmpp:features:dialback"u8;

    public static ReadOnlySpan<byte> Features => "features"u8;
    public static ReadOnlySpan<byte> Result => "result"u8;
    public static ReadOnlySpan<byte> Verify => "verify"u8;
    public static ReadOnlySpan<byte> Proceed => "proceed"u8;
    public static ReadOnlySpan<byte> Success => "success"u8;
    public static ReadOnlySpan<byte> Failure => "failure"u8;
    public static ReadOnlySpan<byte> Mechanisms => "mechanisms"u8;
    public static ReadOnlySpan<byte> Dialback => "dialback"u8;
    public static ReadOnlySpan<byte> External => "EXTERNAL"u8;
    public static ReadOnlySpan<byte> Valid => "valid"u8;
    public static ReadOnlySpan<byte> Invalid => "invalid"u8;

    /// <summary>The stream header up to the id value; ` xmlns:db` lets either side use dialback (XEP-0220 §2.1).</summary>
    public static ReadOnlySpan<byte> StreamOpen =>
        "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' version='1.0'"u8;

    public static ReadOnlySpan<byte> StartTls => "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"u8;

    public static ReadOnlySpan<byte> MechanismsExternal =>
        "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>EXTERNAL</mechanism></mechanisms>"u8;

    /// <summary>XEP-0220 §2.4 / XEP-0288 style feature: dialback with error reporting.</summary>
    public static ReadOnlySpan<byte> DialbackFeature => "<dialback xmlns='urn:xmpp:features:dialback'><errors/></dialback>"u8;

    public static ReadOnlySpan<byte> SaslSuccess => "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"u8;

    public static ReadOnlySpan<byte> SaslNotAuthorized =>
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>"u8;

    public static ReadOnlySpan<byte> SaslInvalidMechanism =>
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-mechanism/></failure>"u8;

    public static ReadOnlySpan<byte> SaslAuthExternalOpen => "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>"u8;

    public static ReadOnlySpan<byte> SaslAuthClose => "</auth>"u8;
}
