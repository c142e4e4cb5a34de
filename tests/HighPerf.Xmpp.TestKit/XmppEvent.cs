using System.Xml.Linq;

namespace HighPerf.Xmpp.TestKit;

public enum XmppEventKind
{
    StreamOpened,
    Element,
    StreamClosed,
    /// <summary>The server closed the connection.</summary>
    Disconnected,
}

/// <summary>Something the test client received.</summary>
public sealed record XmppEvent(XmppEventKind Kind, string Xml, XElement? Element)
{
    public override string ToString() => Kind == XmppEventKind.Element ? Xml : $"{Kind} {Xml}";
}
