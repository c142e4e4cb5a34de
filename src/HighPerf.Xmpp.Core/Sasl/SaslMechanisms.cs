namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>Mechanism names as they appear on the wire (RFC 4422 §3.1: upper case, matched exactly).</summary>
public static class SaslMechanisms
{
    public static ReadOnlySpan<byte> PlainName => "PLAIN"u8;

    public static ReadOnlySpan<byte> ScramSha1Name => "SCRAM-SHA-1"u8;

    public static ReadOnlySpan<byte> ScramSha256Name => "SCRAM-SHA-256"u8;

    public static bool TryParse(ReadOnlySpan<byte> name, out SaslMechanism mechanism)
    {
        if (name.SequenceEqual(ScramSha256Name))
        {
            mechanism = SaslMechanism.ScramSha256;
            return true;
        }

        if (name.SequenceEqual(ScramSha1Name))
        {
            mechanism = SaslMechanism.ScramSha1;
            return true;
        }

        if (name.SequenceEqual(PlainName))
        {
            mechanism = SaslMechanism.Plain;
            return true;
        }

        mechanism = default;
        return false;
    }

    public static ReadOnlySpan<byte> Name(SaslMechanism mechanism) => mechanism switch
    {
        SaslMechanism.Plain => PlainName,
        SaslMechanism.ScramSha1 => ScramSha1Name,
        SaslMechanism.ScramSha256 => ScramSha256Name,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism)),
    };
}
