using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Xml.Reader;

namespace HighPerf.Xmpp.Modules.ClientState;

/// <summary>What an inactive client's queue does with an outbound stanza (XEP-0352 §5 leaves the policy to the server).</summary>
internal enum HeldStanzaKind : byte
{
    /// <summary>Sent at once, after everything held (message with a body, subject or encrypted payload, iq,
    /// subscription or error presence, errors, anything not a stanza we know).</summary>
    Important,

    /// <summary>Available/unavailable presence: only the latest per sender is kept.</summary>
    Presence,

    /// <summary>A chat-state-only message (XEP-0085): only the latest per sender is kept.</summary>
    ChatState,

    /// <summary>Held in order (receipts, markers, carbons of those, groupchat chatter without a mention).</summary>
    Held,
}

/// <summary>Classifies a stanza's bytes (as queued, 'from'/'to' stamped) once, when it is held. Allocation-free.</summary>
internal static class HeldStanzaClassifier
{
    private static ReadOnlySpan<byte> ChatStates => "http://jabber.org/protocol/chatstates"u8;

    /// <param name="key">The 'from' value (raw) that coalescing is keyed by, for Presence and ChatState.</param>
    public static HeldStanzaKind Classify(ReadOnlySpan<byte> stanza, ReadOnlySpan<byte> mention, out ReadOnlySpan<byte> key)
    {
        key = default;
        var isPresence = stanza.StartsWith("<presence"u8);
        if (!isPresence && !stanza.StartsWith("<message"u8))
        {
            return HeldStanzaKind.Important;
        }

        var reader = XmlElementReader.Create(stanza, XmppNames.NsClient);
        if (!reader.IsValid)
        {
            return HeldStanzaKind.Important;
        }

        reader.TryGetAttribute(XmppNames.Type, out var type);
        if (!reader.TryGetAttribute(XmppNames.From, out key) || type.SequenceEqual(XmppNames.Error))
        {
            return HeldStanzaKind.Important;
        }

        if (isPresence)
        {
            // Subscription requests and answers, probes, errors: the user acts on those.
            return type.IsEmpty || type.SequenceEqual("unavailable"u8) ? HeldStanzaKind.Presence : HeldStanzaKind.Important;
        }

        var onlyChatStates = true;
        var any = false;
        foreach (var child in reader.GetChildren())
        {
            any = true;
            var ns = child.Namespace;
            if (ns.SequenceEqual(XmppNames.NsClient) && (child.LocalName.SequenceEqual("body"u8) || child.LocalName.SequenceEqual("subject"u8)))
            {
                return type.SequenceEqual("groupchat"u8) && !Mentions(child.InnerRaw, mention) && child.LocalName.SequenceEqual("body"u8)
                    ? HeldStanzaKind.Held
                    : HeldStanzaKind.Important;
            }

            if (child.LocalName.SequenceEqual("encrypted"u8) || ns.SequenceEqual("urn:xmpp:jingle-message:0"u8))
            {
                return HeldStanzaKind.Important; // OMEMO/OX payloads and call invitations stand for a body
            }

            if (IsCarbonWithBody(stanza, ns))
            {
                return HeldStanzaKind.Important;
            }

            onlyChatStates &= ns.SequenceEqual(ChatStates) || ns.SequenceEqual("urn:xmpp:hints"u8);
        }

        return any && onlyChatStates ? HeldStanzaKind.ChatState : HeldStanzaKind.Held;
    }

    /// <summary>A carbon (XEP-0280) or other forward of a message with a body: literal "&lt;body" can only be a
    /// start tag, since '&lt;' is escaped in text and attribute values.</summary>
    private static bool IsCarbonWithBody(ReadOnlySpan<byte> stanza, ReadOnlySpan<byte> childNamespace)
        => childNamespace.SequenceEqual("urn:xmpp:carbons:2"u8) && (stanza.IndexOf("<body>"u8) >= 0 || stanza.IndexOf("<body "u8) >= 0);

    /// <summary>A groupchat body names the user (its localpart, ASCII case-insensitive): the mention heuristic.</summary>
    private static bool Mentions(ReadOnlySpan<byte> text, ReadOnlySpan<byte> mention)
        => IndexOfIgnoreCase(text, mention) >= 0;

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return -1;
        }

        for (var i = 0; i + value.Length <= text.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(i, value.Length), value))
            {
                return i;
            }
        }

        return -1;
    }
}
