namespace HighPerf.Xmpp.Core.Stanzas;

public enum PresenceType : byte
{
    Available,
    Unavailable,
    Subscribe,
    Subscribed,
    Unsubscribe,
    Unsubscribed,
    Probe,
    Error,
    Invalid,
}
