using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Modules.Disco;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// XEP-0313 message archive management with XEP-0359 stanza ids and XEP-0059 paging, on the store's archive
/// (<see cref="Storage.Abstractions.IArchiveStore"/>). The <see cref="ArchiveGate"/> archives chat and normal
/// messages between local accounts before they are delivered; <see cref="MamQueryHandler"/> and
/// <see cref="MamPrefsHandler"/> answer the user's queries and preferences on their own bare JID, whose disco#info
/// lists urn:xmpp:mam:2, its #extended form and urn:xmpp:sid:0. Registered after blocking (a blocked message is
/// never archived) and before carbons (copies go out with the original, after the archive commit).
/// </summary>
public sealed class MamModule(MamOptions options) : IXmppModule
{
    public MamModule()
        : this(new MamOptions())
    {
    }

    public string Name => "mam";

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var logger = server.LoggerFactory.CreateLogger("HighPerf.Xmpp.Modules");
        var preferences = new PreferenceBook(server, options.DefaultPreference);
        registry.SetDeliveryGate(new ArchiveGate(server, preferences, options.Clock));
        registry.AddIqHandler(MamNames.Ns, MamNames.Query, IqTarget.OwnAccount, new MamQueryHandler(options, logger));
        registry.AddIqHandler(MamNames.Ns, MamNames.Prefs, IqTarget.OwnAccount, new MamPrefsHandler(preferences, logger));
        var disco = DiscoContext.For(server);
        disco.AddAccountFeature(MamNames.Namespace);
        disco.AddAccountFeature(MamNames.ExtendedFeature);
        disco.AddAccountFeature(MamNames.StanzaIdNamespace);
        if (options.Retention > TimeSpan.Zero)
        {
            var sweeper = new RetentionSweeper(server.Store.Archive, options, logger);
            registry.AddStopHandler(sweeper.Dispose);
        }
    }
}
