using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.EndToEnd.Tests.Support;

/// <summary>
/// A module with bugs on purpose: its interceptor throws for stanzas carrying <see cref="Explode"/>, and its
/// iq handler for <see cref="FaultyNamespace"/> throws. The server must contain both.
/// </summary>
public sealed class FaultyModule : IXmppModule, IStanzaInterceptor, IIqHandler
{
    public const string Explode = "urn:test:explode";
    public const string FaultyNamespace = "urn:test:faulty";

    public string Name => "faulty";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        registry.AddInterceptor(this);
        registry.AddIqHandler("urn:test:faulty"u8, "query"u8, IqTarget.All, this);
    }

    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
        => element.Raw.IndexOf("urn:test:explode"u8) < 0 ? true : throw new InvalidOperationException("A bug in an interceptor.");

    public void HandleIq(ref IqRequest request) => throw new InvalidOperationException("A bug in an iq handler.");
}
