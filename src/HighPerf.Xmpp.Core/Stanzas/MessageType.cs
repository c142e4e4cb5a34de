namespace HighPerf.Xmpp.Core.Stanzas;

public enum MessageType : byte
{
    Normal,
    Chat,
    Groupchat,
    Headline,
    Error,
}
