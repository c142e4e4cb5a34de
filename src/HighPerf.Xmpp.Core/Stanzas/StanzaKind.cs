namespace HighPerf.Xmpp.Core.Stanzas;

public enum StanzaKind : byte
{
    Message,
    Presence,
    Iq,
}
