using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Modules.Blocking;
using HighPerf.Xmpp.Modules.Bytestreams;
using HighPerf.Xmpp.Modules.Carbons;
using HighPerf.Xmpp.Modules.ClientState;
using HighPerf.Xmpp.Modules.Compression;
using HighPerf.Xmpp.Modules.Disco;
using HighPerf.Xmpp.Modules.ExternalServices;
using HighPerf.Xmpp.Modules.HttpUpload;
using HighPerf.Xmpp.Modules.LastActivity;
using HighPerf.Xmpp.Modules.Mam;
using HighPerf.Xmpp.Modules.Pep;
using HighPerf.Xmpp.Modules.Muc;
using HighPerf.Xmpp.Modules.Offline;
using HighPerf.Xmpp.Modules.Ping;
using HighPerf.Xmpp.Modules.Push;
using HighPerf.Xmpp.Modules.Presence;
using HighPerf.Xmpp.Modules.PrivateStorage;
using HighPerf.Xmpp.Modules.Register;
using HighPerf.Xmpp.Modules.Roster;
using HighPerf.Xmpp.Modules.StreamManagement;
using HighPerf.Xmpp.Modules.Time;
using HighPerf.Xmpp.Modules.VCard;
using HighPerf.Xmpp.Modules.Version;
using HighPerf.Xmpp.Server.Configuration;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// Every module the server ships, registered in code (Native AOT: no assembly scanning). The configuration
/// enables them by name; a custom module is one more line here.
/// </summary>
public static class ModuleCatalog
{
    private static readonly (string Name, bool EnabledByDefault, Func<ServerConfig, IXmppModule> Create)[] All =
    [
        ("roster", true, static _ => new RosterModule()),
        ("presence", true, static _ => new PresenceModule()),
        ("offline", true, static _ => new OfflineModule()),
        ("disco", true, static c => new DiscoModule(ModuleOptions.Disco(c))),
        ("ping", true, static _ => new PingModule()),
        ("version", true, static c => new VersionModule(ModuleOptions.Version(c))),
        ("time", true, static _ => new TimeModule()),
        ("last", true, static _ => new LastActivityModule()),
        ("vcard", true, static _ => new VCardModule()),
        ("private", true, static _ => new PrivateStorageModule()),
        ("blocking", true, static _ => new BlockingModule()),
        // After blocking (a blocked message is not archived), before carbons (copies wait for the archive commit).
        ("mam", true, static c => new MamModule(ModuleOptions.Mam(c))),
        ("pep", true, static c => new PepModule(ModuleOptions.Pep(c))),
        ("carbons", true, static _ => new CarbonsModule()),
        ("csi", true, static _ => new ClientStateModule()),
        ("register", false, static c => new RegisterModule(ModuleOptions.Register(c))),
        ("compression", false, static _ => new CompressionModule()),
        ("muc", true, static c => new MucModule(ModuleOptions.Muc(c))),
        ("sm", true, static c => new StreamManagementModule(ModuleOptions.StreamManagement(c))),
        ("push", true, static c => new PushModule(ModuleOptions.Push(c))),
        ("proxy65", false, static c => new ProxyModule(ModuleOptions.Proxy(c))),
        ("upload", false, static c => new UploadModule(ModuleOptions.Upload(c))),
        ("extdisco", false, static c => new ExternalServicesModule(ModuleOptions.ExternalServices(c))),
    ];

    /// <summary>Modules whose stores have no Garnet-backed implementation yet: left out on cluster nodes.</summary>
    private static readonly string[] NotInCluster = ["mam", "pep"];

    public static IReadOnlyList<string> Names => Array.ConvertAll(All, m => m.Name);

    /// <summary>The modules on when modules.enabled is null.</summary>
    public static IReadOnlyList<string> DefaultNames => Array.ConvertAll(Array.FindAll(All, m => m.EnabledByDefault), m => m.Name);

    public static List<IXmppModule> Create(ServerConfig config)
    {
        var enabled = config.Modules.Enabled;
        if (enabled is not null)
        {
            foreach (var name in enabled)
            {
                if (Array.FindIndex(All, m => m.Name == name) < 0)
                {
                    throw new ConfigException($"modules.enabled: unknown module '{name}' (known: {string.Join(", ", Names)}).");
                }
            }
        }

        if (config.Cluster.Enabled && enabled is not null)
        {
            foreach (var name in NotInCluster)
            {
                if (enabled.Contains(name))
                {
                    throw new ConfigException($"modules.enabled: '{name}' is not available with cluster.enabled (its store is not on Garnet yet).");
                }
            }
        }

        var modules = new List<IXmppModule>();
        foreach (var (name, byDefault, create) in All)
        {
            if (config.Cluster.Enabled && Array.IndexOf(NotInCluster, name) >= 0)
            {
                continue;
            }

            if (enabled is null ? byDefault : enabled.Contains(name))
            {
                modules.Add(create(config));
            }
        }

        return modules;
    }
}
