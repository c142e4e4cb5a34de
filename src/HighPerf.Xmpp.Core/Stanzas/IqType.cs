namespace HighPerf.Xmpp.Core.Stanzas;

public enum IqType : byte
{
    Invalid,
    Get,
    Set,
    Result,
    Error,
}
