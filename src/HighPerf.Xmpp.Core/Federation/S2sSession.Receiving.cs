using System.Buffers.Text;
using System.Text;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// The receiving side's negotiation: STARTTLS, SASL EXTERNAL for a peer whose certificate verifies for its domain
/// (RFC 6120 §6, RFC 6125), and dialback (XEP-0220) for the others when the policy allows it. Each authenticated
/// (peer domain, our domain) pair is kept; a stream may carry several (XEP-0220 §2.4).
/// </summary>
public sealed partial class S2sSession
{
    private List<DomainPair>? _pairs;
    private List<string>? _admittedPeers;
    private bool _saslDone;

    private bool Secure => _transport.IsSecure;

    private bool TlsMissing => _federation.Options.RequireTls && !Secure;

    private void WriteFeatures(PooledBufferWriter writer)
    {
        var options = _federation.Options;
        writer.Write(NegotiationTokens.FeaturesOpen);
        if (!Secure && _transport.CanStartTls)
        {
            writer.Write(options.RequireTls ? NegotiationTokens.StartTlsRequired : NegotiationTokens.StartTlsOptional);
        }

        if (!TlsMissing)
        {
            if (!_saslDone && Secure && _remoteDomain is not null && _transport.PeerCertificateVerifiesFor(Encoding.UTF8.GetString(_remoteDomain)))
            {
                writer.Write(FederationNames.MechanismsExternal);
            }

            if (options.AllowDialback && !options.RequireValidCertificates)
            {
                writer.Write(FederationNames.DialbackFeature);
            }
        }

        writer.Write(NegotiationTokens.FeaturesClose);
    }

    private bool OnReceivingElement(in XmlElement element)
    {
        if (_stage != S2sStage.Negotiating)
        {
            return false;
        }

        var ns = element.Namespace;
        if (ns.SequenceEqual(XmppNames.NsServer))
        {
            return HandleInboundStanza(element);
        }

        if (ns.SequenceEqual(FederationNames.NsDialback))
        {
            if (TlsMissing)
            {
                CloseWithStreamError(StreamErrorCondition.PolicyViolation);
                return false;
            }

            if (element.LocalName.SequenceEqual(FederationNames.Verify))
            {
                AnswerVerify(element);
                return true;
            }

            if (element.LocalName.SequenceEqual(FederationNames.Result) && !element.Type.IsPresent)
            {
                return HandleDialbackRequest(element);
            }
        }
        else if (ns.SequenceEqual(XmppNames.NsTls) && element.LocalName.SequenceEqual(XmppNames.StartTls))
        {
            if (Secure || !_transport.CanStartTls)
            {
                _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.TlsFailure));
                _stage = S2sStage.Closed;
                End("tls-refused");
                return false;
            }

            Send(NegotiationTokens.TlsProceed);
            _tlsPending = true;
            return false;
        }
        else if (ns.SequenceEqual(XmppNames.NsSasl) && element.LocalName.SequenceEqual(XmppNames.Auth))
        {
            return HandleSaslExternal(element);
        }

        CloseWithStreamError(StreamErrorCondition.UnsupportedStanzaType);
        return false;
    }

    /// <summary>RFC 6120 §6.4, RFC 7590: EXTERNAL, with the identity the peer's certificate proves.</summary>
    private bool HandleSaslExternal(in XmlElement element)
    {
        var reader = XmlElementReader.Create(element.Raw, XmppNames.NsSasl);
        if (!reader.TryGetAttribute(XmppNames.Mechanism, out var mechanism) || !mechanism.SequenceEqual(FederationNames.External) || _saslDone)
        {
            Send(FederationNames.SaslInvalidMechanism);
            return true;
        }

        // The authorization identity is optional ('=' or nothing): then it is the header's 'from'.
        var payload = reader.InnerRaw.Trim(" \t\r\n"u8);
        string? identity = null;
        if (!payload.IsEmpty && !payload.SequenceEqual("="u8))
        {
            Span<byte> decoded = stackalloc byte[JidNormalizer.MaxJidBytes];
            Span<byte> normalized = stackalloc byte[JidNormalizer.MaxJidBytes];
            if (payload.Length > decoded.Length || Base64.DecodeFromUtf8(payload, decoded, out _, out var length) != System.Buffers.OperationStatus.Done
                || JidNormalizer.TryNormalize(decoded[..length], normalized, out var written, out var parts) != JidError.None
                || parts.HasLocal || parts.HasResource)
            {
                Send(FederationNames.SaslNotAuthorized);
                return true;
            }

            identity = Encoding.UTF8.GetString(normalized[..written]);
        }

        identity ??= _remoteDomain is null ? null : Encoding.UTF8.GetString(_remoteDomain);
        if (identity is null || !Secure || !_transport.PeerCertificateVerifiesFor(identity))
        {
            FederationLog.InboundRefused(_federation.Logger, _transport.RemoteAddress, identity ?? "?", "certificate does not verify");
            Send(FederationNames.SaslNotAuthorized);
            return true;
        }

        var peer = Encoding.UTF8.GetBytes(identity);
        if (!Admit(peer, _localDomain!))
        {
            return false;
        }

        _saslDone = true;
        _remoteDomain = peer;
        FederationLog.InboundAuthenticated(_federation.Logger, _transport.RemoteAddress, identity, Encoding.UTF8.GetString(_localDomain!), "EXTERNAL");
        Send(FederationNames.SaslSuccess);
        _restartPending = true;
        return false;
    }

    /// <summary>XEP-0220 §2.1.1: the peer claims a domain with a key; we ask that domain's authoritative server.</summary>
    private bool HandleDialbackRequest(in XmlElement element)
    {
        var options = _federation.Options;
        if (!options.AllowDialback || options.RequireValidCertificates)
        {
            CloseWithStreamError(StreamErrorCondition.NotAuthorized);
            return false;
        }

        Span<byte> from = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> to = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!element.From.IsPresent || !element.To.IsPresent
            || !JidText.TryNormalize(element.FromValue, from, out var fromLength, out var fromParts) || fromParts.HasLocal || fromParts.HasResource
            || !JidText.TryNormalize(element.ToValue, to, out var toLength, out var toParts) || toParts.HasLocal || toParts.HasResource)
        {
            CloseWithStreamError(StreamErrorCondition.ImproperAddressing);
            return false;
        }

        if (!_federation.IsServedDomain(to[..toLength]))
        {
            CloseWithStreamError(StreamErrorCondition.HostUnknown);
            return false;
        }

        var peer = from[..fromLength].ToArray();
        var local = _server.FindDomain(to[..toLength]) ?? to[..toLength].ToArray();
        if (IsAuthenticatedPair(peer, local))
        {
            SendDialbackResult(local, peer, valid: true);
            return true;
        }

        var key = XmlElementReader.Create(element.Raw, FederationNames.NsDialback).InnerRaw.Trim(" \t\r\n"u8).ToArray();
        var link = _federation.LinkFor(local, peer);
        link.Verify(_streamId, key, valid => _transport.Schedule(TimeSpan.Zero, static state =>
        {
            var (stream, local, peer, valid) = ((S2sSession, byte[], byte[], bool))state!;
            stream.OnDialbackVerified(local, peer, valid);
        }, (this, local, peer, valid)));
        return true;
    }

    private void OnDialbackVerified(byte[] local, byte[] peer, bool valid)
    {
        if (_stage == S2sStage.Closed)
        {
            return;
        }

        var peerName = Encoding.UTF8.GetString(peer);
        FederationLog.DialbackVerified(_federation.Logger, peerName, Encoding.UTF8.GetString(local), valid ? "valid" : "invalid");
        if (valid && !IsAuthenticatedPair(peer, local))
        {
            if (!Admit(peer, local))
            {
                return;
            }

            FederationLog.InboundAuthenticated(_federation.Logger, _transport.RemoteAddress, peerName, Encoding.UTF8.GetString(local), "dialback");
        }

        SendDialbackResult(local, peer, valid);
    }

    private void SendDialbackResult(ReadOnlySpan<byte> local, ReadOnlySpan<byte> peer, bool valid)
    {
        var writer = ScratchWriter.Rent();
        writer.Write("<db:result"u8);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, local);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, peer);
        writer.Write(valid ? " type='valid'/>"u8 : " type='invalid'/>"u8);
        Send(writer.WrittenSpan);
    }

    /// <summary>XEP-0220 §2.1.2, as the authoritative server: is this the key we issued for that stream?</summary>
    private void AnswerVerify(in XmlElement element)
    {
        var reader = XmlElementReader.Create(element.Raw, FederationNames.NsDialback);
        Span<byte> receiving = stackalloc byte[JidNormalizer.MaxJidBytes];
        Span<byte> originating = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!element.From.IsPresent || !element.To.IsPresent || !element.Id.IsPresent
            || !JidText.TryNormalize(element.FromValue, receiving, out var receivingLength, out _)
            || !JidText.TryNormalize(element.ToValue, originating, out var originatingLength, out _))
        {
            CloseWithStreamError(StreamErrorCondition.ImproperAddressing);
            return;
        }

        var valid = _federation.IsServedDomain(originating[..originatingLength])
            && _federation.Keys.Verify(receiving[..receivingLength], originating[..originatingLength], element.IdValue, reader.InnerRaw);
        var writer = ScratchWriter.Rent();
        writer.Write("<db:verify"u8);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, originating[..originatingLength]);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, receiving[..receivingLength]);
        EscapingWriter.WriteAttribute(writer, XmppNames.Id, element.IdValue);
        writer.Write(valid ? " type='valid'/>"u8 : " type='invalid'/>"u8);
        Send(writer.WrittenSpan);
    }

    /// <summary>Adds an authenticated pair, counting the stream against the peer's limit the first time.</summary>
    private bool Admit(byte[] peer, byte[] local)
    {
        var peerName = Encoding.UTF8.GetString(peer);
        if (_admittedPeers is null || !_admittedPeers.Contains(peerName))
        {
            if (!_federation.TryAdmitInbound(peerName))
            {
                FederationLog.InboundRefused(_federation.Logger, _transport.RemoteAddress, peerName, "too many streams from this domain");
                CloseWithStreamError(StreamErrorCondition.PolicyViolation);
                return false;
            }

            (_admittedPeers ??= []).Add(peerName);
        }

        (_pairs ??= []).Add(new DomainPair(peer, local));
        return true;
    }

    private bool IsAuthenticatedPair(ReadOnlySpan<byte> peer, ReadOnlySpan<byte> local)
    {
        if (_pairs is null)
        {
            return false;
        }

        foreach (var pair in _pairs)
        {
            if (pair.Peer.AsSpan().SequenceEqual(peer) && pair.Local.AsSpan().SequenceEqual(local))
            {
                return true;
            }
        }

        return false;
    }

    private void ReleaseInboundPairs()
    {
        if (_admittedPeers is null)
        {
            return;
        }

        foreach (var peer in _admittedPeers)
        {
            _federation.ReleaseInbound(peer);
        }

        _admittedPeers = null;
    }

    private sealed record DomainPair(byte[] Peer, byte[] Local);
}
