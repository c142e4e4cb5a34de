using System.Security.Cryptography;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Federation;

/// <summary>Stream headers both ways (RFC 6120 §4.7) and dispatch of top-level elements by role.</summary>
public sealed partial class S2sSession
{
    private bool OnStreamOpen(in StreamHeader header)
    {
        if (!header.DefaultNamespace.SequenceEqual(XmppNames.NsServer))
        {
            CloseWithStreamError(StreamErrorCondition.InvalidNamespace);
            return false;
        }

        if (!header.Version.IsPresent || !header.VersionValue.StartsWith("1."u8))
        {
            // RFC 6120 §4.7.5: we speak 1.0 only (pre-1.0 dialback-only servers are long gone).
            CloseWithStreamError(StreamErrorCondition.UnsupportedVersion);
            return false;
        }

        return IsOutbound ? OnPeerHeader(header) : OnInitiatorHeader(header);
    }

    /// <summary>Receiving side: the peer's header names the domain it wants ('to') and usually its own ('from').</summary>
    private bool OnInitiatorHeader(in StreamHeader header)
    {
        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!header.To.IsPresent || !JidText.TryNormalize(header.ToValue, buffer, out var written, out var parts)
            || parts.HasLocal || parts.HasResource || !_federation.IsServedDomain(buffer[..written]))
        {
            CloseWithStreamError(StreamErrorCondition.HostUnknown);
            return false;
        }

        var local = buffer[..written];
        if (_localDomain is not null && !local.SequenceEqual(_localDomain))
        {
            CloseWithStreamError(StreamErrorCondition.HostUnknown);
            return false;
        }

        _localDomain ??= _server.FindDomain(local) ?? local.ToArray();
        if (header.From.IsPresent)
        {
            if (!JidText.TryNormalize(header.FromValue, buffer, out written, out parts) || parts.HasLocal || parts.HasResource)
            {
                CloseWithStreamError(StreamErrorCondition.InvalidFrom);
                return false;
            }

            if (_remoteDomain is null || !buffer[..written].SequenceEqual(_remoteDomain))
            {
                _remoteDomain = buffer[..written].ToArray();
            }
        }

        NewStreamId();
        var writer = ScratchWriter.Rent();
        WriteHeader(writer, _remoteDomain);
        WriteFeatures(writer);
        Send(writer.WrittenSpan);
        _stage = S2sStage.Negotiating;
        return true;
    }

    /// <summary>Initiating side: the peer's answer carries the stream id our dialback key is bound to.</summary>
    private bool OnPeerHeader(in StreamHeader header)
    {
        if (!header.Id.IsPresent || header.IdValue.IsEmpty || header.IdValue.Length > 256)
        {
            CloseWithStreamError(StreamErrorCondition.InvalidXml);
            return false;
        }

        _streamId = header.IdValue.ToArray();
        _stage = S2sStage.Negotiating;
        return true;
    }

    private bool OnStreamClose()
    {
        CloseReason = "stream-closed";
        _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.StreamClose));
        _stage = S2sStage.Closed;
        End(CloseReason);
        return false;
    }

    private bool OnElement(in XmlElement element)
    {
        if (element.Namespace.SequenceEqual(XmppNames.NsStreams) && element.LocalName.SequenceEqual("error"u8))
        {
            // The peer ended the stream with an error: it closes its side next.
            CloseReason = "peer-stream-error";
            _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.StreamClose));
            _stage = S2sStage.Closed;
            End(CloseReason);
            return false;
        }

        return IsOutbound ? OnInitiatingElement(element) : OnReceivingElement(element);
    }

    private void SendHeader(ReadOnlySpan<byte> to)
    {
        var writer = ScratchWriter.Rent();
        WriteHeader(writer, to.IsEmpty ? _remoteDomain : to);
        Send(writer.WrittenSpan);
    }

    private void WriteHeader(PooledBufferWriter writer, ReadOnlySpan<byte> to)
    {
        writer.Write(FederationNames.StreamOpen);
        if (!IsOutbound)
        {
            writer.Write(" id='"u8);
            writer.Write(_streamId.Length > 0 ? _streamId : "0"u8);
            writer.Write("'"u8);
        }

        if (_localDomain is not null)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.From, _localDomain);
        }

        if (!to.IsEmpty)
        {
            EscapingWriter.WriteEscapedAttribute(writer, XmppNames.To, to);
        }

        writer.Write(">"u8);
        _headerSent = true;
    }

    private void NewStreamId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var id = new byte[32];
        Convert.TryToHexStringLower(random, id, out _);
        _streamId = id;
    }
}
