namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>PLAIN (RFC 4616): <c>[authzid] NUL authcid NUL passwd</c>, checked against the stored SCRAM keys.</summary>
public sealed partial class SaslServer
{
    private SaslStepResult Plain(ReadOnlySpan<byte> message, out int written, out SaslFailure failure)
    {
        var first = message.IndexOf((byte)0);
        var second = first < 0 ? -1 : message[(first + 1)..].IndexOf((byte)0);
        if (message.Length > MaxMessageBytes || second < 0)
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        second += first + 1;
        var authzid = message[..first];
        var authcid = message[(first + 1)..second];
        var password = message[(second + 1)..];
        if (authcid.IsEmpty || password.IsEmpty || password.IndexOf((byte)0) >= 0)
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        if (LoadUser(authcid) is not SaslFailure.None and var loadFailure)
        {
            return Fail(loadFailure, out written, out failure);
        }

        // Unknown users pay the same PBKDF2 against their fake record, so timing tells nothing.
        var verified = ScramCredentials.VerifyPasswordUtf8(_record, password) && _userKnown;
        if (!verified)
        {
            return Fail(SaslFailure.NotAuthorized, out written, out failure);
        }

        if (!IsAcceptableAuthzid(authzid))
        {
            return Fail(SaslFailure.InvalidAuthzid, out written, out failure);
        }

        written = 0;
        return Succeed(out failure);
    }
}
