namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>RFC 6121 §2.1.2.5 subscription attribute values.</summary>
public enum SubscriptionState : byte
{
    None = 0,
    To = 1,
    From = 2,
    Both = 3,
}
