using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802 §5, RFC 7677) without channel binding.</summary>
public sealed partial class SaslServer
{
    private const int ServerNonceRandomBytes = 24;

    private int _clientFirstLength;
    private int _gs2Length;
    private int _serverFirstLength;
    private int _nonceLength;
    private bool _authzidAcceptable;

    /// <summary>Test hook: a fixed server nonce part (printable, no ',') instead of a random one.</summary>
    internal byte[]? FixedServerNonce { get; set; }

    private bool Sha256 => _mechanism == SaslMechanism.ScramSha256;

    private SaslStepResult ClientFirst(ReadOnlySpan<byte> message, Span<byte> output, out int written, out SaslFailure failure)
    {
        if (message.Length > MaxMessageBytes)
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        // gs2-header = ("n" / "y") "," [ "a=" saslname ] ",". 'p=' asks for channel binding, which only the
        // -PLUS mechanisms we do not offer carry; 'y' means "I could, but you did not offer it", which is true.
        var rest = message;
        if (rest.Length < 3 || rest[0] is not ((byte)'n' or (byte)'y') || rest[1] != (byte)',')
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        rest = rest[2..];
        Span<byte> authzid = stackalloc byte[MaxMessageBytes];
        var authzidLength = 0;
        if (rest[0] != (byte)',' && (!ScramSyntax.TryTake(ref rest, (byte)'a', out var encoded)
            || !ScramSyntax.TryDecodeSaslName(encoded, authzid, out authzidLength)))
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        if (rest.IsEmpty || rest[0] != (byte)',')
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        rest = rest[1..];
        var gs2Length = message.Length - rest.Length;

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]; any 'm=' is a
        // mandatory extension we do not know, which must fail the exchange (RFC 5802 §5.1).
        Span<byte> username = stackalloc byte[MaxMessageBytes];
        if (!ScramSyntax.TryTake(ref rest, (byte)'n', out var encodedName)
            || !ScramSyntax.TryDecodeSaslName(encodedName, username, out var usernameLength)
            || !ScramSyntax.TryTakeNext(ref rest, (byte)'r', out var clientNonce)
            || !ScramSyntax.IsNonce(clientNonce)
            || clientNonce.Length > MaxClientNonceBytes
            || !ScramSyntax.AreExtensions(rest))
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        if (LoadUser(username[..usernameLength]) is not SaslFailure.None and var loadFailure)
        {
            return Fail(loadFailure, out written, out failure);
        }

        // An authzid other than the user's bare JID (malformed or naming someone else) is reported only after
        // the proof, so that it never answers for a user whose password was not shown.
        _authzidAcceptable = IsAcceptableAuthzid(authzid[..authzidLength]);
        var scratch = _scratch.AsSpan(MessageOffset);
        message.CopyTo(scratch);
        _clientFirstLength = message.Length;
        _gs2Length = gs2Length;
        scratch[_clientFirstLength] = (byte)',';

        var serverFirst = scratch[(_clientFirstLength + 1)..];
        _serverFirstLength = WriteServerFirst(clientNonce, serverFirst);
        serverFirst[.._serverFirstLength].CopyTo(output);
        _state = State.AwaitingClientFinal;
        written = _serverFirstLength;
        failure = SaslFailure.None;
        return SaslStepResult.Challenge;
    }

    /// <summary>server-first-message = "r=" c-nonce s-nonce ",s=" salt ",i=" iteration-count.</summary>
    private int WriteServerFirst(ReadOnlySpan<byte> clientNonce, Span<byte> destination)
    {
        "r="u8.CopyTo(destination);
        var position = 2;
        clientNonce.CopyTo(destination[position..]);
        position += clientNonce.Length;
        if (FixedServerNonce is { } fixedNonce)
        {
            fixedNonce.CopyTo(destination[position..]);
            position += fixedNonce.Length;
        }
        else
        {
            Span<byte> random = stackalloc byte[ServerNonceRandomBytes];
            RandomNumberGenerator.Fill(random);
            Base64.EncodeToUtf8(random, destination[position..], out _, out var nonceLength);
            position += nonceLength;
        }

        _nonceLength = position - 2;
        ",s="u8.CopyTo(destination[position..]);
        position += 3;
        Base64.EncodeToUtf8(_record.Salt[.._record.SaltLength], destination[position..], out _, out var saltLength);
        position += saltLength;
        ",i="u8.CopyTo(destination[position..]);
        position += 3;
        _record.Iterations.TryFormat(destination[position..], out var digits, default, CultureInfo.InvariantCulture);
        return position + digits;
    }

    private SaslStepResult ClientFinal(ReadOnlySpan<byte> message, Span<byte> output, out int written, out SaslFailure failure)
    {
        // client-final-message = "c=" base64(gs2-header) ",r=" nonce ["," extensions] ",p=" base64(proof)
        var proofAt = message.LastIndexOf(",p="u8);
        if (message.Length > MaxMessageBytes || proofAt < 0)
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        var withoutProof = message[..proofAt];
        var rest = withoutProof;
        var size = ScramHash.Size(Sha256);
        Span<byte> binding = stackalloc byte[MaxMessageBytes];
        Span<byte> proof = stackalloc byte[ScramHash.MaxSize + 3];
        if (!ScramSyntax.TryTake(ref rest, (byte)'c', out var encodedBinding)
            || Base64.DecodeFromUtf8(encodedBinding, binding, out _, out var bindingLength) != OperationStatus.Done
            || !ScramSyntax.TryTakeNext(ref rest, (byte)'r', out var nonce)
            || !ScramSyntax.AreExtensions(rest)
            || Base64.DecodeFromUtf8(message[(proofAt + 3)..], proof, out _, out var proofLength) != OperationStatus.Done
            || proofLength != size)
        {
            return Fail(SaslFailure.MalformedRequest, out written, out failure);
        }

        var scratch = _scratch.AsSpan(MessageOffset);
        var serverFirstStart = _clientFirstLength + 1;
        var expectedNonce = scratch.Slice(serverFirstStart + 2, _nonceLength);
        var bindingMatches = binding[..bindingLength].SequenceEqual(scratch[.._gs2Length]);
        var nonceMatches = nonce.SequenceEqual(expectedNonce);

        // AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof
        var finalStart = serverFirstStart + _serverFirstLength;
        scratch[finalStart] = (byte)',';
        withoutProof.CopyTo(scratch[(finalStart + 1)..]);
        var authMessage = scratch[_gs2Length..(finalStart + 1 + withoutProof.Length)];

        Span<byte> signature = stackalloc byte[ScramHash.MaxSize];
        Span<byte> storedKey = stackalloc byte[ScramHash.MaxSize];
        var expectedStoredKey = Sha256 ? _record.Sha256StoredKey[..size] : _record.Sha1StoredKey[..size];

        // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); the proof holds iff H(ClientKey) == StoredKey.
        ScramHash.Hmac(Sha256, expectedStoredKey, authMessage, signature);
        for (var i = 0; i < size; i++)
        {
            proof[i] ^= signature[i];
        }

        ScramHash.Hash(Sha256, proof[..size], storedKey);
        var proofMatches = CryptographicOperations.FixedTimeEquals(storedKey[..size], expectedStoredKey);
        CryptographicOperations.ZeroMemory(proof);
        if (!(proofMatches & bindingMatches & nonceMatches & _userKnown))
        {
            return Fail(SaslFailure.NotAuthorized, out written, out failure);
        }

        if (!_authzidAcceptable)
        {
            return Fail(SaslFailure.InvalidAuthzid, out written, out failure);
        }

        // server-final-message = "v=" base64(HMAC(ServerKey, AuthMessage))
        ScramHash.Hmac(Sha256, Sha256 ? _record.Sha256ServerKey[..size] : _record.Sha1ServerKey[..size], authMessage, signature);
        "v="u8.CopyTo(output);
        Base64.EncodeToUtf8(signature[..size], output[2..], out _, out var signatureLength);
        written = 2 + signatureLength;
        return Succeed(out failure);
    }
}
