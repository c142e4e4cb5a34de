using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>Checks the modules.* option sections, naming the bad key.</summary>
internal static class ModulesConfigValidator
{
    private static readonly string[] ContactKinds = ["abuse", "admin", "feedback", "sales", "security", "status", "support"];

    public static void Validate(ServerConfig config)
    {
        var modules = config.Modules;
        ValidateDisco(modules.Disco);
        RequireText(modules.Version.Name, "modules.version.name");
        if (modules.Version.Version is { } version)
        {
            RequireText(version, "modules.version.version");
        }

        var register = modules.Register;
        RequireRange(register.MaxAttemptsPerAddress, 1, 100_000, "modules.register.maxAttemptsPerAddress");
        RequireRange(register.WindowSeconds, 1, 7 * 24 * 3600, "modules.register.windowSeconds");
        RequireRange(register.MinPasswordLength, 1, 1000, "modules.register.minPasswordLength");
        ValidateCompression(config);
        var sm = modules.Sm;
        RequireRange(sm.ResumptionTimeoutSeconds, 0, 24 * 3600, "modules.sm.resumptionTimeoutSeconds");
        RequireRange(sm.MaxUnackedBytes, 4096, 64 * 1024 * 1024, "modules.sm.maxUnackedBytes");
        RequireRange(sm.RequestAfterStanzas, 1, 100_000, "modules.sm.requestAfterStanzas");
        RequireRange(sm.RequestAfterSeconds, 0, 24 * 3600, "modules.sm.requestAfterSeconds");
        RequireRange(sm.AckGraceSeconds, 1, 3600, "modules.sm.ackGraceSeconds");
        RequireRange(modules.Push.MaxRegistrationsPerAccount, 1, 100, "modules.push.maxRegistrationsPerAccount");
        var mam = modules.Mam;
        if (mam.DefaultPreference is not ("always" or "roster" or "never"))
        {
            throw new ConfigException($"modules.mam.defaultPreference: '{mam.DefaultPreference}' is not one of always, roster, never.");
        }

        RequireRange(mam.MaxPageSize, 1, 10_000, "modules.mam.maxPageSize");
        RequireRange(mam.DefaultPageSize, 1, mam.MaxPageSize, "modules.mam.defaultPageSize");
        RequireRange(mam.RetentionDays, 0, 100 * 365, "modules.mam.retentionDays");
        var pep = modules.Pep;
        RequireRange(pep.MaxItemsPerNode, 1, 100_000, "modules.pep.maxItemsPerNode");
        RequireRange(pep.MaxNodesPerAccount, 1, 10_000, "modules.pep.maxNodesPerAccount");
        if (pep.MaxItemBytes is { } maxItemBytes)
        {
            RequireRange(maxItemBytes, 1, config.Limits.MaxStanzaBytes, "modules.pep.maxItemBytes");
        }

        RequireRange(pep.MaxCapsHashes, 1, 1_000_000, "modules.pep.maxCapsHashes");
        RequireRange(pep.MaxPendingCapsQueries, 1, 100_000, "modules.pep.maxPendingCapsQueries");
        RequireRange(pep.MaxPendingCapsQueriesPerAccount, 1, pep.MaxPendingCapsQueries, "modules.pep.maxPendingCapsQueriesPerAccount");
        RequireRange(pep.CapsQueryTimeoutSeconds, 1, 3600, "modules.pep.capsQueryTimeoutSeconds");
        ValidateMuc(config);
        FileTransferConfigValidator.Validate(config);
    }

    private static void ValidateMuc(ServerConfig config)
    {
        var muc = config.Modules.Muc;
        if (!string.IsNullOrWhiteSpace(muc.Domain))
        {
            if (!Jid.TryParse(muc.Domain, out var jid) || jid.ToString().Contains('@', StringComparison.Ordinal) || jid.ToString().Contains('/', StringComparison.Ordinal))
            {
                throw new ConfigException($"modules.muc.domain: '{muc.Domain}' is not a domain name.");
            }

            if (config.Domains.Contains(muc.Domain, StringComparer.OrdinalIgnoreCase))
            {
                throw new ConfigException($"modules.muc.domain: '{muc.Domain}' is also a served domain; the MUC service needs a domain of its own.");
            }
        }

        RequireText(muc.Name, "modules.muc.name");
        RequireRange(muc.MaxHistoryLength, 0, 10_000, "modules.muc.maxHistoryLength");
        RequireRange(muc.DefaultHistoryLength, 0, muc.MaxHistoryLength, "modules.muc.defaultHistoryLength");
        RequireRange(muc.MaxUsersLimit, 0, 1_000_000, "modules.muc.maxUsersLimit");
        RequireRange(muc.DefaultMaxUsers, 0, muc.MaxUsersLimit == 0 ? 1_000_000 : muc.MaxUsersLimit, "modules.muc.defaultMaxUsers");
        for (var i = 0; i < muc.Admins.Count; i++)
        {
            if (!Jid.TryParse(muc.Admins[i], out _))
            {
                throw new ConfigException($"modules.muc.admins[{i}]: '{muc.Admins[i]}' is not a JID.");
            }
        }
    }

    private static void ValidateDisco(DiscoConfig disco)
    {
        RequireText(disco.ServerName, "modules.disco.serverName");
        foreach (var (kind, addresses) in disco.ContactAddresses)
        {
            if (!ContactKinds.Contains(kind))
            {
                throw new ConfigException($"modules.disco.contactAddresses: '{kind}' is not one of {string.Join(", ", ContactKinds)}.");
            }

            for (var i = 0; i < addresses.Count; i++)
            {
                if (!Uri.TryCreate(addresses[i], UriKind.Absolute, out _))
                {
                    throw new ConfigException($"modules.disco.contactAddresses.{kind}[{i}]: '{addresses[i]}' is not a URI (for example xmpp:admin@example.org or mailto:admin@example.org).");
                }
            }
        }

        for (var i = 0; i < disco.Items.Count; i++)
        {
            if (!Jid.TryParse(disco.Items[i], out _))
            {
                throw new ConfigException($"modules.disco.items[{i}]: '{disco.Items[i]}' is not a JID.");
            }
        }
    }

    private static void ValidateCompression(ServerConfig config)
    {
        var compression = config.Modules.Compression;
        var enabled = config.Modules.Enabled?.Contains("compression") == true;
        if (enabled && compression.Listeners.Count == 0)
        {
            throw new ConfigException("modules.compression.listeners: the compression module is enabled but no listener offers it; name the listeners (closed deployments only, see the README).");
        }

        if (!enabled && compression.Listeners.Count > 0)
        {
            throw new ConfigException("modules.compression.listeners: listed, but the 'compression' module is not in modules.enabled.");
        }

        for (var i = 0; i < compression.Listeners.Count; i++)
        {
            var address = compression.Listeners[i];
            if (!config.Listeners.Client.Contains(address) && !config.Listeners.ClientDirectTls.Contains(address))
            {
                throw new ConfigException($"modules.compression.listeners[{i}]: '{address}' is not one of the addresses under listeners.client or listeners.clientDirectTls.");
            }
        }

        RequireRange(compression.Level, 1, 9, "modules.compression.level");
        RequireRange(compression.WindowBits, 9, 15, "modules.compression.windowBits");
        RequireRange(compression.MemLevel, 1, 9, "modules.compression.memLevel");
        RequireRange(compression.MaxInflateRatio, 4, 1024, "modules.compression.maxInflateRatio");
    }

    private static void RequireText(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigException($"{key}: must not be empty.");
        }
    }

    private static void RequireRange(int value, int min, int max, string key)
    {
        if (value < min || value > max)
        {
            throw new ConfigException($"{key}: {value} is outside {min}..{max}.");
        }
    }
}
