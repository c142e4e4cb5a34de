using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>
/// The server side of one SASL authentication (RFC 6120 §6) with PLAIN (RFC 4616), SCRAM-SHA-1 (RFC 5802) or
/// SCRAM-SHA-256 (RFC 7677), without channel binding. Client data arrives base64-decoded; challenges and
/// success data leave raw, for the caller to encode. One instance serves one attempt at a time and is reused
/// after <see cref="Reset"/>; it is not thread-safe.
/// </summary>
/// <remarks>
/// <para>User names follow the localpart rules (<see cref="JidNormalizer.TryNormalizeLocalpart"/>); credentials are
/// looked up as <c>local@domain</c> with the stream's domain, given per attempt. An authzid must be empty or
/// that bare JID (<see cref="SaslFailure.InvalidAuthzid"/> otherwise, reported only after the password or
/// proof checked out).</para>
/// <para>Unknown users are not revealed: SCRAM answers with a salt derived from the name by HMAC and the
/// usual iteration count, and fails with <see cref="SaslFailure.NotAuthorized"/> at the proof; PLAIN runs the
/// same PBKDF2 against fake credentials.</para>
/// <para>Failures: syntax errors (bad gs2 header, 'p=' channel binding, 'm=' extensions, bad saslname escapes,
/// bad base64 inside a SCRAM message, oversized messages) are <see cref="SaslFailure.MalformedRequest"/>;
/// anything about identity (bad user name, wrong password or proof, channel-binding or nonce mismatch) is
/// <see cref="SaslFailure.NotAuthorized"/>. XMPP reports conditions, not RFC 5802's <c>e=</c> attribute.</para>
/// <para>Memory: a 16 KiB scratch is rented from <see cref="ArrayPool{T}.Shared"/> at <c>Start</c> and
/// returned on failure or by <see cref="Reset"/>, so an idle instance holds nothing.</para>
/// </remarks>
public sealed partial class SaslServer
{
    /// <summary>The output span given to Start and Step must be at least this long.</summary>
    public const int MaxOutputBytes = 1024;

    /// <summary>Longest client message accepted; longer ones fail as <see cref="SaslFailure.MalformedRequest"/>.</summary>
    public const int MaxMessageBytes = 4096;

    /// <summary>Longest client nonce accepted, which bounds the server-first message.</summary>
    public const int MaxClientNonceBytes = 512;

    // Scratch layout: the domain, the user key local@domain, then the SCRAM messages back to back so that
    // AuthMessage = client-first-bare "," server-first "," client-final-without-proof is one contiguous slice.
    private const int DomainOffset = 0;
    private const int UserOffset = JidNormalizer.MaxPartBytes + 1;
    private const int MessageOffset = UserOffset + (2 * JidNormalizer.MaxPartBytes) + 2;
    private const int ScratchBytes = MessageOffset + MaxMessageBytes + 1 + MaxOutputBytes + 1 + MaxMessageBytes;

    private readonly ISaslCredentialSource _credentials;
    private readonly byte[]? _defaultDomain;
    private readonly SaslServerOptions _options;
    private byte[]? _scratch;
    private State _state;
    private SaslMechanism _mechanism;
    private int _domainLength;
    private int _localLength;
    private AccountRecord _record;
    private bool _userKnown;

    public SaslServer(ISaslCredentialSource credentials)
        : this(credentials, SaslServerOptions.Default)
    {
    }

    /// <summary>An instance whose <c>Start</c> without a domain uses <paramref name="domain"/> (normalized here).</summary>
    public SaslServer(ISaslCredentialSource credentials, string domain)
        : this(credentials, SaslServerOptions.Default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxPartBytes];
        if (JidNormalizer.TryNormalizeDomainpart(Encoding.UTF8.GetBytes(domain), normalized, out var length) != JidError.None)
        {
            throw new ArgumentException($"'{domain}' is not a valid domain.", nameof(domain));
        }

        _defaultDomain = normalized[..length].ToArray();
    }

    public SaslServer(ISaslCredentialSource credentials, SaslServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        _credentials = credentials;
        _options = options;
    }

    private enum State : byte
    {
        Idle,
        AwaitingPlain,
        AwaitingClientFirst,
        AwaitingClientFinal,
        Succeeded,
        Failed,
    }

    /// <summary>The mechanism of the current or last attempt.</summary>
    public SaslMechanism Mechanism => _mechanism;

    /// <summary>True once the attempt has ended in success or failure.</summary>
    public bool IsCompleted => _state is State.Succeeded or State.Failed;

    /// <summary>The normalized localpart after <see cref="SaslStepResult.Success"/>; empty otherwise. Valid until <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> AuthenticatedLocalpart
        => _state == State.Succeeded ? _scratch.AsSpan(UserOffset, _localLength) : default;

    /// <summary>The authenticated bare JID <c>local@domain</c> after success; empty otherwise. Valid until <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> AuthenticatedBareJid
        => _state == State.Succeeded ? UserKey : default;

    private ReadOnlySpan<byte> UserKey => _scratch.AsSpan(UserOffset, _localLength + 1 + _domainLength);

    private ReadOnlySpan<byte> Domain => _scratch.AsSpan(DomainOffset, _domainLength);

    /// <summary>Starts an attempt for the domain given at construction.</summary>
    public SaslStepResult Start(SaslMechanism mechanism, ReadOnlySpan<byte> initialResponse, bool hadInitialResponse, Span<byte> output, out int written, out SaslFailure failure)
    {
        if (_defaultDomain is null)
        {
            throw new InvalidOperationException("This SaslServer has no default domain; pass the stream's domain to Start.");
        }

        return Start(mechanism, _defaultDomain, initialResponse, hadInitialResponse, output, out written, out failure);
    }

    /// <summary>
    /// Starts an attempt (the client's &lt;auth/&gt;). <paramref name="domain"/> is the stream's normalized domain.
    /// <paramref name="hadInitialResponse"/> is false when &lt;auth/&gt; had no text; "=" arrives as an empty
    /// response with <paramref name="hadInitialResponse"/> true.
    /// </summary>
    public SaslStepResult Start(SaslMechanism mechanism, ReadOnlySpan<byte> domain, ReadOnlySpan<byte> initialResponse, bool hadInitialResponse, Span<byte> output, out int written, out SaslFailure failure)
    {
        if (domain.IsEmpty || domain.Length > JidNormalizer.MaxPartBytes)
        {
            throw new ArgumentException("The domain must be a normalized domainpart.", nameof(domain));
        }

        CheckOutput(output);
        Reset();
        _mechanism = mechanism;
        _scratch = ArrayPool<byte>.Shared.Rent(ScratchBytes);
        domain.CopyTo(_scratch.AsSpan(DomainOffset));
        _domainLength = domain.Length;
        switch (mechanism)
        {
            case SaslMechanism.Plain when hadInitialResponse:
                return Plain(initialResponse, out written, out failure);
            case SaslMechanism.Plain:
                _state = State.AwaitingPlain;
                return EmptyChallenge(out written, out failure);
            case SaslMechanism.ScramSha1 or SaslMechanism.ScramSha256 when hadInitialResponse:
                return ClientFirst(initialResponse, output, out written, out failure);
            case SaslMechanism.ScramSha1 or SaslMechanism.ScramSha256:
                _state = State.AwaitingClientFirst;
                return EmptyChallenge(out written, out failure);
            default:
                return Fail(SaslFailure.InvalidMechanism, out written, out failure);
        }
    }

    /// <summary>Continues the attempt with the client's &lt;response/&gt;.</summary>
    public SaslStepResult Step(ReadOnlySpan<byte> response, Span<byte> output, out int written, out SaslFailure failure)
    {
        CheckOutput(output);
        return _state switch
        {
            State.AwaitingPlain => Plain(response, out written, out failure),
            State.AwaitingClientFirst => ClientFirst(response, output, out written, out failure),
            State.AwaitingClientFinal => ClientFinal(response, output, out written, out failure),
            _ => Fail(SaslFailure.MalformedRequest, out written, out failure),
        };
    }

    /// <summary>Ends the attempt because the client sent &lt;abort/&gt;.</summary>
    public SaslFailure Abort()
    {
        Fail(SaslFailure.Aborted, out _, out var failure);
        return failure;
    }

    /// <summary>Forgets the attempt and returns the scratch buffer to the pool.</summary>
    public void Reset()
    {
        ReleaseScratch();
        _state = State.Idle;
        _localLength = 0;
        _domainLength = 0;
        _userKnown = false;
        _record = default;
    }

    private static void CheckOutput(Span<byte> output)
    {
        if (output.Length < MaxOutputBytes)
        {
            throw new ArgumentException($"The output buffer must hold {MaxOutputBytes} bytes.", nameof(output));
        }
    }

    private static SaslStepResult EmptyChallenge(out int written, out SaslFailure failure)
    {
        written = 0;
        failure = SaslFailure.None;
        return SaslStepResult.Challenge;
    }

    private SaslStepResult Succeed(out SaslFailure failure)
    {
        _state = State.Succeeded;
        _record = default;
        failure = SaslFailure.None;
        return SaslStepResult.Success;
    }

    private SaslStepResult Fail(SaslFailure reason, out int written, out SaslFailure failure)
    {
        ReleaseScratch();
        _state = State.Failed;
        _record = default;
        written = 0;
        failure = reason;
        return SaslStepResult.Failure;
    }

    private void ReleaseScratch()
    {
        if (_scratch is not null)
        {
            // The scratch saw user names, nonces and (PLAIN) nothing secret, but keys were next to it: clear it.
            CryptographicOperations.ZeroMemory(_scratch.AsSpan(0, ScratchBytes));
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    /// <summary>Normalizes the user name into the scratch and looks its credentials up (or makes fake ones).
    /// NotAuthorized for a name that is no localpart; TemporaryAuthFailure when the store cannot be read (a cluster's
    /// shared engine unreachable, RFC 6120 §6.5.13): the client may retry later.</summary>
    private SaslFailure LoadUser(ReadOnlySpan<byte> username)
    {
        var scratch = _scratch!;
        if (JidNormalizer.TryNormalizeLocalpart(username, scratch.AsSpan(UserOffset, JidNormalizer.MaxPartBytes), out _localLength) != JidError.None)
        {
            return SaslFailure.NotAuthorized;
        }

        scratch[UserOffset + _localLength] = (byte)'@';
        Domain.CopyTo(scratch.AsSpan(UserOffset + _localLength + 1));
        try
        {
            _userKnown = _credentials.TryGetCredentials(UserKey, out _record);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return SaslFailure.TemporaryAuthFailure;
        }

        if (!_userKnown)
        {
            UnknownUsers.FakeRecord(UserKey, _options, out _record);
        }

        return SaslFailure.None;
    }

    /// <summary>RFC 6120 §6.3.8: an authzid, if any, must name the authenticated user's bare JID.</summary>
    private bool IsAcceptableAuthzid(ReadOnlySpan<byte> authzid)
    {
        if (authzid.IsEmpty)
        {
            return true;
        }

        Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
        return JidNormalizer.TryNormalize(authzid, normalized, out var length, out var parts) == JidError.None
            && !parts.HasResource
            && normalized[..length].SequenceEqual(UserKey);
    }
}
