namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>
/// SASL failure conditions of RFC 6120 §6.5, in that order (callers index pre-encoded elements by value).
/// <see cref="None"/> is the absence of a failure.
/// </summary>
public enum SaslFailure : byte
{
    None,
    Aborted,
    AccountDisabled,
    CredentialsExpired,
    EncryptionRequired,
    IncorrectEncoding,
    InvalidAuthzid,
    InvalidMechanism,
    MalformedRequest,
    MechanismTooWeak,
    NotAuthorized,
    TemporaryAuthFailure,
}
