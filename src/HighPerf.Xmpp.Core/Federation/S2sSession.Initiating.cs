using System.Buffers.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Reader;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>
/// The initiating side: STARTTLS when offered (required by default), then SASL EXTERNAL when the peer offers it
/// (it does when our certificate verifies for our domain), else dialback with an XEP-0185 key; db:verify requests
/// for the receiving side's checks ride on this stream once TLS is done.
/// </summary>
public sealed partial class S2sSession
{
    private readonly Dictionary<string, List<PendingVerification>> _verifying = new(StringComparer.Ordinal);
    private bool _saslSucceeded;
    private bool _dialbackOffered;
    private bool _authenticating;

    /// <summary>True once this outbound stream may carry db:verify (headers exchanged, TLS done when required).</summary>
    public bool CanVerify { get; private set; }

    /// <summary>Sends one db:verify and remembers who waits for its answer (thread-safe: queued on the stream's loop).</summary>
    internal void SendVerify(PendingVerification verification)
        => _transport.Schedule(TimeSpan.Zero, static state =>
        {
            var (stream, verification) = ((S2sSession, PendingVerification))state!;
            stream.SendVerifyOnLoop(verification);
        }, (this, verification));

    private void SendVerifyOnLoop(PendingVerification verification)
    {
        if (_stage == S2sStage.Closed)
        {
            verification.Complete(false);
            return;
        }

        var id = System.Text.Encoding.UTF8.GetString(verification.StreamId);
        if (!_verifying.TryGetValue(id, out var waiting))
        {
            _verifying[id] = waiting = [];
        }

        waiting.Add(verification);
        var writer = ScratchWriter.Rent();
        writer.Write("<db:verify"u8);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, _localDomain!);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, _remoteDomain!);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.Id, verification.StreamId);
        writer.Write(">"u8);
        EscapingWriter.WriteEscaped(writer, verification.Key);
        writer.Write("</db:verify>"u8);
        Send(writer.WrittenSpan);
    }

    private bool OnInitiatingElement(in XmlElement element)
    {
        if (_stage == S2sStage.Closed)
        {
            return false;
        }

        var ns = element.Namespace;
        var name = element.LocalName;
        if (ns.SequenceEqual(XmppNames.NsStreams) && name.SequenceEqual(FederationNames.Features))
        {
            return OnFeatures(element);
        }

        if (ns.SequenceEqual(XmppNames.NsTls))
        {
            if (name.SequenceEqual(FederationNames.Proceed))
            {
                _tlsClientPending = true;
                return false;
            }

            return Fail("STARTTLS failed");
        }

        if (ns.SequenceEqual(XmppNames.NsSasl))
        {
            if (name.SequenceEqual(FederationNames.Success))
            {
                _saslSucceeded = true;
                AuthenticatedBy = "EXTERNAL";
                _restartPending = true;
                return false;
            }

            // EXTERNAL refused (our certificate does not verify there): dialback, if both sides allow it.
            return TryDialback() || Fail("SASL EXTERNAL refused and no dialback");
        }

        if (ns.SequenceEqual(FederationNames.NsDialback))
        {
            if (name.SequenceEqual(FederationNames.Result))
            {
                if (element.TypeValue.SequenceEqual(FederationNames.Valid))
                {
                    AuthenticatedBy = "dialback";
                    Authenticated();
                    return true;
                }

                return Fail("dialback refused");
            }

            if (name.SequenceEqual(FederationNames.Verify))
            {
                CompleteVerify(element);
                return true;
            }
        }

        // Stanzas on a stream we opened are not ours to take (no XEP-0288 bidirectionality): they are dropped.
        return true;
    }

    private bool OnFeatures(in XmlElement element)
    {
        var features = XmlElementReader.Create(element.Raw, XmppNames.NsServer);
        if (_saslSucceeded)
        {
            Authenticated();
            return true;
        }

        var offersTls = features.TryGetChild(XmppNames.StartTls, XmppNames.NsTls, out _);
        if (!Secure && offersTls)
        {
            Send(FederationNames.StartTls);
            return true;
        }

        if (TlsMissing)
        {
            return Fail("the peer offers no STARTTLS");
        }

        if (Secure && _federation.Options.RequireValidCertificates && !_transport.PeerCertificateVerifiesFor(_link!.RemoteName))
        {
            return Fail("the peer's certificate does not verify for its domain");
        }

        CanVerify = true;
        _link!.OnStreamUsable(this);
        if (_authenticating)
        {
            return true;
        }

        _authenticating = true;
        _dialbackOffered = features.TryGetChild(FederationNames.Dialback, FederationNames.NsDialbackFeature, out _) || !Secure;
        if (Secure && OffersExternal(features))
        {
            var writer = ScratchWriter.Rent();
            writer.Write(FederationNames.SaslAuthExternalOpen);
            var span = writer.GetSpan(Base64.GetMaxEncodedToUtf8Length(_localDomain!.Length));
            Base64.EncodeToUtf8(_localDomain, span, out _, out var written);
            writer.Advance(written);
            writer.Write(FederationNames.SaslAuthClose);
            Send(writer.WrittenSpan);
            return true;
        }

        return TryDialback() || Fail("no authentication method in common");
    }

    private static bool OffersExternal(XmlElementReader features)
    {
        if (!features.TryGetChild(FederationNames.Mechanisms, XmppNames.NsSasl, out var mechanisms))
        {
            return false;
        }

        Span<byte> text = stackalloc byte[32];
        foreach (var mechanism in mechanisms.GetChildren())
        {
            if (mechanism.LocalName.SequenceEqual(XmppNames.Mechanism) && mechanism.GetTextLength() <= text.Length
                && mechanism.TryGetText(text, out var length) && text[..length].Trim(" \t\r\n"u8).SequenceEqual(FederationNames.External))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>XEP-0220 §2.1.1: db:result with our key for this stream.</summary>
    private bool TryDialback()
    {
        if (!_federation.Options.AllowDialback || !_dialbackOffered)
        {
            return false;
        }

        Span<byte> key = stackalloc byte[DialbackKey.Length];
        _federation.Keys.Write(receiving: _remoteDomain!, originating: _localDomain!, _streamId, key);
        var writer = ScratchWriter.Rent();
        writer.Write("<db:result"u8);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, _localDomain!);
        EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, _remoteDomain!);
        writer.Write(">"u8);
        writer.Write(key);
        writer.Write("</db:result>"u8);
        Send(writer.WrittenSpan);
        return true;
    }

    private void Authenticated()
    {
        if (_stage == S2sStage.Ready)
        {
            return;
        }

        _stage = S2sStage.Ready;
        _link!.OnAuthenticated(this);
    }

    private void CompleteVerify(in XmlElement element)
    {
        var id = System.Text.Encoding.UTF8.GetString(element.IdValue);
        if (!_verifying.Remove(id, out var waiting))
        {
            return;
        }

        var valid = element.TypeValue.SequenceEqual(FederationNames.Valid);
        foreach (var verification in waiting)
        {
            verification.Complete(valid);
        }
    }

    private void FailVerifications()
    {
        foreach (var waiting in _verifying.Values)
        {
            foreach (var verification in waiting)
            {
                verification.Complete(false);
            }
        }

        _verifying.Clear();
    }

    private bool Fail(string reason)
    {
        CloseReason = reason;
        _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.StreamClose));
        _stage = S2sStage.Closed;
        End(reason);
        return false;
    }
}
