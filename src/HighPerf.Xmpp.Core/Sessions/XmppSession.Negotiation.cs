using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Dispatch of top-level elements by stage, and STARTTLS (RFC 6120 §5).</summary>
public sealed partial class XmppSession
{
    private bool OnElement(in XmlElement element)
    {
        if (_stage == StreamStage.Bound)
        {
            return HandleBoundElement(element);
        }

        if (_stage != StreamStage.Negotiating)
        {
            return false;
        }

        var ns = element.Namespace;
        if (ns.SequenceEqual(XmppNames.NsTls))
        {
            return HandleStartTls(element);
        }

        if (ns.SequenceEqual(XmppNames.NsSasl))
        {
            return HandleSasl(element);
        }

        if (IsAuthenticated)
        {
            if (ns.SequenceEqual(XmppNames.NsClient) && element.LocalName.SequenceEqual(XmppNames.Iq))
            {
                return HandlePreBindIq(element);
            }

            if (_server.Modules.TryGetStreamElementHandler(ns, out var handler))
            {
                // Stream-level features negotiated between SASL and bind (XEP-0138 compression).
                return handler.HandleElement(this, element) && _stage != StreamStage.Closed;
            }
        }
        else if (_server.Options.RequireTls && !_transport.IsSecure)
        {
            // RFC 6120 §5.3.1: TLS is mandatory-to-negotiate here; anything but <starttls/> is refused.
            CloseWithStreamError(StreamErrorCondition.PolicyViolation);
            return false;
        }
        else if (ns.SequenceEqual(XmppNames.NsClient) && element.LocalName.SequenceEqual(XmppNames.Iq))
        {
            return HandlePreAuthIq(element);
        }

        // RFC 6120 §6.4.1 / §7.1: no stanzas before authentication and binding.
        CloseWithStreamError(StreamErrorCondition.NotAuthorized);
        return false;
    }

    private bool HandleStartTls(in XmlElement element)
    {
        if (!element.LocalName.SequenceEqual(XmppNames.StartTls) || IsAuthenticated
            || _transport.IsSecure || !_transport.CanStartTls)
        {
            // RFC 6120 §5.4.2.2: the failure case closes the stream.
            _transport.EnqueueAndClose(new Buffers.OutboundParts(NegotiationTokens.TlsFailure));
            _stage = StreamStage.Closed;
            End();
            return false;
        }

        Send(NegotiationTokens.TlsProceed);
        _tlsPending = true;
        return false;
    }

    /// <summary>Thread-safe: true when the session cannot take more work (it is closing or closed).</summary>
    public bool IsClosed => _stage == StreamStage.Closed;
}
