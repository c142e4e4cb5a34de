using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Modules.Offline;
using HighPerf.Xmpp.Modules.Presence;
using HighPerf.Xmpp.Modules.Roster;
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
    ];

    public static IReadOnlyList<string> Names => Array.ConvertAll(All, m => m.Name);

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

        var modules = new List<IXmppModule>();
        foreach (var (name, byDefault, create) in All)
        {
            if (enabled is null ? byDefault : enabled.Contains(name))
            {
                modules.Add(create(config));
            }
        }

        return modules;
    }
}
