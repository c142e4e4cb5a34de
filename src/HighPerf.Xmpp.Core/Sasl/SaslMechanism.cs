namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>The SASL mechanisms the server implements; none of them is a channel-binding (-PLUS) variant.</summary>
public enum SaslMechanism : byte
{
    Plain,
    ScramSha1,
    ScramSha256,
}
