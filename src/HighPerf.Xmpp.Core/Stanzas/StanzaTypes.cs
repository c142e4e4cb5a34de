using HighPerf.Xmpp.Core.Protocol;

namespace HighPerf.Xmpp.Core.Stanzas;

/// <summary>Parses the 'type' attribute values the router branches on.</summary>
public static class StanzaTypes
{
    public static IqType ParseIq(ReadOnlySpan<byte> type)
    {
        if (type.SequenceEqual(XmppNames.Get))
        {
            return IqType.Get;
        }

        if (type.SequenceEqual(XmppNames.Set))
        {
            return IqType.Set;
        }

        if (type.SequenceEqual(XmppNames.Result))
        {
            return IqType.Result;
        }

        return type.SequenceEqual(XmppNames.Error) ? IqType.Error : IqType.Invalid;
    }

    /// <summary>RFC 6121 §5.2.2: absent or unknown means "normal".</summary>
    public static MessageType ParseMessage(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("chat"u8) => MessageType.Chat,
        _ when type.SequenceEqual("groupchat"u8) => MessageType.Groupchat,
        _ when type.SequenceEqual("headline"u8) => MessageType.Headline,
        _ when type.SequenceEqual("error"u8) => MessageType.Error,
        _ => MessageType.Normal,
    };

    public static PresenceType ParsePresence(ReadOnlySpan<byte> type, bool present) => !present
        ? PresenceType.Available
        : type switch
        {
            _ when type.SequenceEqual("unavailable"u8) => PresenceType.Unavailable,
            _ when type.SequenceEqual("subscribe"u8) => PresenceType.Subscribe,
            _ when type.SequenceEqual("subscribed"u8) => PresenceType.Subscribed,
            _ when type.SequenceEqual("unsubscribe"u8) => PresenceType.Unsubscribe,
            _ when type.SequenceEqual("unsubscribed"u8) => PresenceType.Unsubscribed,
            _ when type.SequenceEqual("probe"u8) => PresenceType.Probe,
            _ when type.SequenceEqual("error"u8) => PresenceType.Error,
            _ => PresenceType.Invalid,
        };
}
