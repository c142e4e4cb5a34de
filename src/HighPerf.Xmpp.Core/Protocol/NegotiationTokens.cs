namespace HighPerf.Xmpp.Core.Protocol;

/// <summary>Pre-encoded negotiation replies (RFC 6120 §4, §5, §6, §7).</summary>
public static class NegotiationTokens
{
    public static ReadOnlySpan<byte> XmlDeclaration => "<?xml version='1.0'?>"u8;

    public static ReadOnlySpan<byte> StreamOpenStart =>
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en' id='"u8;

    public static ReadOnlySpan<byte> StreamClose => "</stream:stream>"u8;

    public static ReadOnlySpan<byte> FeaturesOpen => "<stream:features>"u8;

    public static ReadOnlySpan<byte> FeaturesClose => "</stream:features>"u8;

    public static ReadOnlySpan<byte> StartTlsRequired =>
        "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"u8;

    public static ReadOnlySpan<byte> StartTlsOptional => "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"u8;

    public static ReadOnlySpan<byte> TlsProceed => "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"u8;

    public static ReadOnlySpan<byte> TlsFailure => "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>"u8;

    public static ReadOnlySpan<byte> MechanismsOpen => "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"u8;

    public static ReadOnlySpan<byte> MechanismsClose => "</mechanisms>"u8;

    public static ReadOnlySpan<byte> MechanismScramSha256 => "<mechanism>SCRAM-SHA-256</mechanism>"u8;

    public static ReadOnlySpan<byte> MechanismScramSha1 => "<mechanism>SCRAM-SHA-1</mechanism>"u8;

    public static ReadOnlySpan<byte> MechanismPlain => "<mechanism>PLAIN</mechanism>"u8;

    public static ReadOnlySpan<byte> ChallengeOpen => "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"u8;

    public static ReadOnlySpan<byte> ChallengeClose => "</challenge>"u8;

    public static ReadOnlySpan<byte> SuccessOpen => "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"u8;

    public static ReadOnlySpan<byte> SuccessClose => "</success>"u8;

    public static ReadOnlySpan<byte> BindAndSession =>
        "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"u8;
}
