using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.Sessions;
using HighPerf.Xmpp.Core.Stanzas;
using HighPerf.Xmpp.Modules.Disco;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>
/// XEP-0163 personal eventing: every account is a pubsub service with its own nodes (stored through
/// <see cref="Storage.Abstractions.IPepStore"/>), created on first publish. <see cref="PepPubsubHandler"/> answers
/// publish, retract, items and create on the pubsub namespace, <see cref="PepOwnerHandler"/> configure and delete;
/// notifications go to sessions whose XEP-0115 caps ask for them (<see cref="CapsCache"/>), read from their
/// available presence, which also brings them the last items.
/// </summary>
public sealed class PepModule : IXmppModule, IStanzaInterceptor, ISessionObserver
{
    private readonly PepOptions _options;
    private readonly CapsCache _caps;
    private PepNotifier? _notifier;

    public PepModule()
        : this(new PepOptions())
    {
    }

    public PepModule(PepOptions options)
    {
        _options = options;
        _caps = new CapsCache(options);
    }

    public string Name => "pep";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        _notifier = new PepNotifier(server, _caps);
        registry.AddIqHandler(PepNames.Ns, "pubsub"u8, IqTarget.AnyAccount, new PepPubsubHandler(_options, _notifier, logger));
        registry.AddIqHandler(PepNames.OwnerNs, "pubsub"u8, IqTarget.AnyAccount, new PepOwnerHandler(_options, _notifier, logger));
        registry.AddInterceptor(this);
        registry.AddSessionObserver(this);
        var disco = DiscoContext.For(server);
        disco.AddAccountIdentity("pubsub", "pep");
        foreach (var feature in PepNames.Features)
        {
            disco.AddAccountFeature(feature);
        }
    }

    public bool OnClientStanza(XmppSession sender, in XmlElement element, StanzaKind kind, ReadOnlySpan<byte> to)
    {
        if (kind == StanzaKind.Presence && to.IsEmpty && element.TypeValue.IsEmpty)
        {
            // A broadcast available presence: its caps say what the session wants; new interests, or coming back
            // from unavailable, bring the last items (a repeated presence of an available session brings none).
            if (_caps.OnAvailable(sender, element) is { } due)
            {
                _notifier!.SendLastItems(sender, due);
            }

            return true;
        }

        if (kind == StanzaKind.Presence && to.IsEmpty && element.TypeValue.SequenceEqual("unavailable"u8))
        {
            _caps.OnUnavailable(sender);
            return true;
        }

        if (kind == StanzaKind.Iq && (to.IsEmpty || to.SequenceEqual(sender.Domain)) && _caps.TryTakeAnswer(sender, element, out var resolved))
        {
            foreach (var (session, due) in resolved)
            {
                _notifier!.SendLastItems(session, due);
            }

            return false; // our own disco#info query's answer: nothing to route
        }

        return true;
    }

    public void OnBound(XmppSession session)
    {
    }

    public void OnEnded(XmppSession session, bool lastSessionOfUser) => _caps.OnEnded(session);
}
