using System.Security.Cryptography;
using HighPerf.Xmpp.Core.Addressing;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Stream headers and features (RFC 6120 §4.7, §4.3.2).</summary>
public sealed partial class XmppSession
{
    private bool OnStreamOpen(in StreamHeader header)
    {
        if (!header.DefaultNamespace.SequenceEqual(XmppNames.NsClient))
        {
            CloseWithStreamError(StreamErrorCondition.InvalidNamespace);
            return false;
        }

        if (!AcceptDomain(header))
        {
            CloseWithStreamError(StreamErrorCondition.HostUnknown);
            return false;
        }

        if (!IsSupportedVersion(header.VersionValue))
        {
            CloseWithStreamError(StreamErrorCondition.UnsupportedVersion);
            return false;
        }

        var writer = ScratchWriter.Rent();
        WriteStreamHeader(writer, header.FromValue);
        WriteFeatures(writer);
        Send(writer.WrittenSpan);
        _stage = StreamStage.Negotiating;
        return true;
    }

    private bool OnStreamClose()
    {
        // RFC 6120 §4.4: answer the peer's closing tag with ours, then close the connection.
        _transport.EnqueueAndClose(new OutboundParts(NegotiationTokens.StreamClose));
        CloseReason = "stream-closed";
        _stage = StreamStage.Closed;
        End();
        return false;
    }

    private bool AcceptDomain(in StreamHeader header)
    {
        if (!header.To.IsPresent)
        {
            // RFC 6120 §4.7.2 lets the server pick its default domain when 'to' is missing.
            _domain ??= _server.Domains[0];
            return true;
        }

        Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
        if (!JidText.TryNormalize(header.ToValue, buffer, out var written, out var parts) || parts.HasLocal || parts.HasResource)
        {
            return false;
        }

        var domain = _server.FindDomain(buffer[..written]);
        if (domain is null || (_domain is not null && !ReferenceEquals(domain, _domain)))
        {
            return false;
        }

        _domain = domain;
        return true;
    }

    private static bool IsSupportedVersion(ReadOnlySpan<byte> version)
    {
        // RFC 6120 §4.7.5: a missing version means pre-1.0, which we do not speak; any 1.x is fine.
        var dot = version.IndexOf((byte)'.');
        var major = dot < 0 ? version : version[..dot];
        return major.SequenceEqual("1"u8) || (major.Length > 1 && major[0] >= (byte)'1' && major.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0);
    }

    private void WriteStreamHeader(PooledBufferWriter writer, ReadOnlySpan<byte> clientFrom)
    {
        Span<byte> idBytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(idBytes);
        Span<byte> id = stackalloc byte[24];
        Convert.TryToHexStringLower(idBytes, id, out _);

        writer.Write(NegotiationTokens.XmlDeclaration);
        writer.Write(NegotiationTokens.StreamOpenStart);
        writer.Write(id);
        writer.Write("' from='"u8);
        writer.Write(_domain ?? _server.Domains[0]);
        writer.Write("'"u8);
        if (!clientFrom.IsEmpty)
        {
            Span<byte> buffer = stackalloc byte[JidNormalizer.MaxJidBytes];
            if (JidText.TryNormalize(clientFrom, buffer, out var written, out _))
            {
                EscapingWriter.WriteEscapedAttribute(writer, "to"u8, buffer[..written]);
            }
        }

        writer.Write(">"u8);
        _headerSent = true;
    }

    private void WriteFeatures(PooledBufferWriter writer)
    {
        writer.Write(NegotiationTokens.FeaturesOpen);
        var options = _server.Options;
        if (!IsAuthenticated)
        {
            var tlsMissing = !_transport.IsSecure;
            if (tlsMissing && _transport.CanStartTls)
            {
                writer.Write(options.RequireTls ? NegotiationTokens.StartTlsRequired : NegotiationTokens.StartTlsOptional);
            }

            if (!tlsMissing || !options.RequireTls)
            {
                writer.Write(NegotiationTokens.MechanismsOpen);
                writer.Write(NegotiationTokens.MechanismScramSha256);
                writer.Write(NegotiationTokens.MechanismScramSha1);
                if (!tlsMissing || options.AllowPlainWithoutTls)
                {
                    writer.Write(NegotiationTokens.MechanismPlain);
                }

                writer.Write(NegotiationTokens.MechanismsClose);
                foreach (var provider in _server.Modules.PreAuthStreamFeatures)
                {
                    provider.WriteFeatures(this, writer);
                }
            }
        }
        else
        {
            foreach (var provider in _server.Modules.StreamFeatures)
            {
                provider.WriteFeatures(this, writer);
            }

            writer.Write(NegotiationTokens.BindAndSession);
        }

        writer.Write(NegotiationTokens.FeaturesClose);
    }
}
