using System.Buffers;
using System.Buffers.Text;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>SASL authentication (RFC 6120 §6) with PLAIN and SCRAM-SHA-1/-256.</summary>
public sealed partial class XmppSession
{
    /// <summary>Longest base64 SASL payload accepted; real clients send a few hundred bytes.</summary>
    private const int MaxSaslText = 8192;

    private SaslServer? _sasl;
    private SaslMechanism _mechanism;
    private bool _saslInProgress;
    private bool _failurePending;
    private int _authFailures;
    private SaslFailure _pendingFailure;

    private bool HandleSasl(in XmlElement element)
    {
        if (IsAuthenticated || _failurePending)
        {
            // RFC 6120 §6.4.8: SASL is done once; a client that keeps going while told to wait is misbehaving.
            CloseWithStreamError(StreamErrorCondition.PolicyViolation);
            return false;
        }

        var name = element.LocalName;
        if (name.SequenceEqual(XmppNames.Abort))
        {
            _saslInProgress = false;
            return FailAuthentication(SaslFailure.Aborted);
        }

        var isAuth = name.SequenceEqual(XmppNames.Auth);
        if (!isAuth && !name.SequenceEqual(XmppNames.Response))
        {
            return FailAuthentication(SaslFailure.MalformedRequest);
        }

        if (!isAuth && !_saslInProgress)
        {
            return FailAuthentication(SaslFailure.MalformedRequest);
        }

        if (isAuth && _server.Options.RequireTls && !_transport.IsSecure)
        {
            return FailAuthentication(SaslFailure.EncryptionRequired);
        }

        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsSasl);
        Span<byte> text = stackalloc byte[MaxSaslText];
        if (reader.GetTextLength() > MaxSaslText || !reader.TryGetText(text, out var textLength))
        {
            return FailAuthentication(SaslFailure.MalformedRequest);
        }

        // RFC 6120 §6.4.2: "=" is an empty response; no text at all means no initial response.
        var encoded = text[..textLength].Trim(" \t\r\n"u8);
        var hadData = encoded.Length > 0;
        Span<byte> data = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(MaxSaslText)];
        var dataLength = 0;
        if (hadData && !(encoded.Length == 1 && encoded[0] == (byte)'='))
        {
            if (Base64.DecodeFromUtf8(encoded, data, out _, out dataLength) != OperationStatus.Done)
            {
                _saslInProgress = false;
                return FailAuthentication(SaslFailure.IncorrectEncoding);
            }
        }

        Span<byte> output = stackalloc byte[SaslServer.MaxOutputBytes];
        SaslStepResult result;
        SaslFailure failure;
        int written;
        if (isAuth)
        {
            if (!reader.TryGetAttribute(XmppNames.Mechanism, out var mechanismName)
                || !SaslMechanisms.TryParse(mechanismName, out var mechanism)
                || !IsOffered(mechanism))
            {
                _saslInProgress = false;
                return FailAuthentication(SaslFailure.InvalidMechanism);
            }

            _mechanism = mechanism;
            _sasl ??= new SaslServer(_server.Credentials);
            _sasl.Reset();
            _saslInProgress = true;
            result = _sasl.Start(mechanism, _domain, data[..dataLength], hadData, output, out written, out failure);
        }
        else
        {
            result = _sasl!.Step(data[..dataLength], output, out written, out failure);
        }

        switch (result)
        {
            case SaslStepResult.Challenge:
                SendSaslData(NegotiationTokens.ChallengeOpen, output[..written], NegotiationTokens.ChallengeClose);
                return true;
            case SaslStepResult.Success:
                _saslInProgress = false;
                CompleteAuthentication(_sasl!.AuthenticatedLocalpart);

                // The exchange is over: give its pooled scratch (16 KiB once rounded by the pool) back now. Kept, it
                // was the largest thing an idle authenticated session held.
                _sasl.Reset();
                _sasl = null;
                SendSaslData(NegotiationTokens.SuccessOpen, output[..written], NegotiationTokens.SuccessClose);
                _restartPending = true;
                return false;
            default:
                _saslInProgress = false;
                _sasl!.Reset(); // its scratch goes back to the pool while the client decides whether to retry
                return FailAuthentication(failure);
        }
    }

    private bool IsOffered(SaslMechanism mechanism)
        => mechanism != SaslMechanism.Plain || _transport.IsSecure || _server.Options.AllowPlainWithoutTls;

    private void SendSaslData(ReadOnlySpan<byte> open, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> close)
    {
        var writer = ScratchWriter.Rent();
        writer.Write(open);

        // An empty challenge or success carries no text at all (RFC 6120 §6.4.6 allows an empty element).
        if (!payload.IsEmpty)
        {
            var span = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(payload.Length));
            Base64.EncodeToUtf8(payload, span, out _, out var encodedLength);
            writer.Advance(encodedLength);
        }

        writer.Write(close);
        Send(writer.WrittenSpan);
    }

    private void CompleteAuthentication(ReadOnlySpan<byte> localpart)
    {
        var domain = _domain ?? _server.Domains[0];
        Span<byte> bare = stackalloc byte[localpart.Length + 1 + domain.Length];
        localpart.CopyTo(bare);
        bare[localpart.Length] = (byte)'@';
        domain.CopyTo(bare[(localpart.Length + 1)..]);
        SetBareIdentity(bare);
        IsAuthenticated = true;
        _transport.OnAuthenticated();
        _server.Metrics.AuthSuccesses.Add(1, XmppMetrics.MechanismTag(_mechanism));
        CoreLog.Authenticated(_server.Logger, Encoding.UTF8.GetString(FullJid), Encoding.UTF8.GetString(SaslMechanisms.Name(_mechanism)), _transport.RemoteAddress);
    }

    private bool FailAuthentication(SaslFailure failure)
    {
        _authFailures++;
        _server.Metrics.AuthFailures.Add(1, XmppMetrics.MechanismTag(_mechanism));
        CoreLog.AuthenticationFailed(_server.Logger, SaslFailures.Name(failure), Encoding.UTF8.GetString(SaslMechanisms.Name(_mechanism)), _transport.RemoteAddress);
        if (_authFailures >= _server.Options.MaxAuthFailures)
        {
            // RFC 6120 §6.4.5: too many retries end in a not-authorized stream error.
            Send(SaslFailures.Get(failure));
            CloseWithStreamError(StreamErrorCondition.NotAuthorized);
            return false;
        }

        if (_authFailures < 2 || _server.Options.AuthFailureDelay <= TimeSpan.Zero)
        {
            Send(SaslFailures.Get(failure));
            return true;
        }

        // Slow down password guessing: later failures are answered after a growing delay.
        _failurePending = true;
        _pendingFailure = failure;
        _transport.Schedule(_server.Options.AuthFailureDelay * (_authFailures - 1), static state => ((XmppSession)state!).SendPendingFailure(), this);
        return true;
    }

    private void SendPendingFailure()
    {
        _failurePending = false;
        if (_stage != StreamStage.Closed)
        {
            Send(SaslFailures.Get(_pendingFailure));
        }
    }
}
