using HighPerf.Xmpp.Core.StreamManagement;
using HighPerf.Xmpp.Modules.Disco;
using HighPerf.Xmpp.Modules.Mam;
using HighPerf.Xmpp.Modules.Pep;
using HighPerf.Xmpp.Modules.Push;
using HighPerf.Xmpp.Modules.Muc;
using HighPerf.Xmpp.Modules.Register;
using HighPerf.Xmpp.Modules.Version;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Transport.Compression;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>The modules' option records, from the validated configuration.</summary>
internal static partial class ModuleOptions
{
    public static DiscoOptions Disco(ServerConfig config) => new()
    {
        ServerName = config.Modules.Disco.ServerName,
        ContactAddresses = config.Modules.Disco.ContactAddresses.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal),
        Items = config.Modules.Disco.Items,
    };

    public static RegisterOptions Register(ServerConfig config) => new()
    {
        AllowRegistration = config.Modules.Register.AllowRegistration,
        MaxAttemptsPerAddress = config.Modules.Register.MaxAttemptsPerAddress,
        Window = TimeSpan.FromSeconds(config.Modules.Register.WindowSeconds),
        MinPasswordLength = config.Modules.Register.MinPasswordLength,
        Instructions = config.Modules.Register.Instructions,
        ScramIterations = config.Auth.ScramIterations,
    };

    public static StreamManagementOptions StreamManagement(ServerConfig config) => new()
    {
        ResumptionTimeout = TimeSpan.FromSeconds(config.Modules.Sm.ResumptionTimeoutSeconds),
        MaxUnackedBytes = config.Modules.Sm.MaxUnackedBytes,
        RequestAfterStanzas = config.Modules.Sm.RequestAfterStanzas,
        RequestAfter = TimeSpan.FromSeconds(config.Modules.Sm.RequestAfterSeconds),
        AckGrace = TimeSpan.FromSeconds(config.Modules.Sm.AckGraceSeconds),
    };

    public static PushOptions Push(ServerConfig config) => new()
    {
        IncludeBody = config.Modules.Push.IncludeBody,
        MaxRegistrationsPerAccount = config.Modules.Push.MaxRegistrationsPerAccount,
    };

    public static MamOptions Mam(ServerConfig config) => new()
    {
        DefaultPreference = config.Modules.Mam.DefaultPreference switch
        {
            "never" => ArchiveDefault.Never,
            "roster" => ArchiveDefault.Roster,
            _ => ArchiveDefault.Always,
        },
        DefaultPageSize = config.Modules.Mam.DefaultPageSize,
        MaxPageSize = config.Modules.Mam.MaxPageSize,
        Retention = TimeSpan.FromDays(config.Modules.Mam.RetentionDays),
    };

    public static PepOptions Pep(ServerConfig config) => new()
    {
        MaxItemsPerNode = config.Modules.Pep.MaxItemsPerNode,
        MaxNodesPerAccount = config.Modules.Pep.MaxNodesPerAccount,
        MaxItemBytes = config.Modules.Pep.MaxItemBytes ?? Math.Min(PepConfig.DefaultMaxItemBytes, config.Limits.MaxStanzaBytes),
        MaxCapsHashes = config.Modules.Pep.MaxCapsHashes,
        MaxPendingCapsQueries = config.Modules.Pep.MaxPendingCapsQueries,
        MaxPendingCapsQueriesPerAccount = config.Modules.Pep.MaxPendingCapsQueriesPerAccount,
        CapsQueryTimeoutSeconds = config.Modules.Pep.CapsQueryTimeoutSeconds,
    };

    public static VersionOptions Version(ServerConfig config) => new()
    {
        Name = config.Modules.Version.Name,
        Version = config.Modules.Version.Version,
        ShowOperatingSystem = config.Modules.Version.ShowOperatingSystem,
    };

    public static CompressionOptions Compression(ServerConfig config) => new()
    {
        Level = config.Modules.Compression.Level,
        WindowBits = config.Modules.Compression.WindowBits,
        MemLevel = config.Modules.Compression.MemLevel,
        MaxInflateRatio = config.Modules.Compression.MaxInflateRatio,
    };

    public static MucOptions Muc(ServerConfig config) => new()
    {
        Domain = string.IsNullOrWhiteSpace(config.Modules.Muc.Domain) ? null : config.Modules.Muc.Domain,
        Name = config.Modules.Muc.Name,
        AllowRoomCreation = config.Modules.Muc.AllowRoomCreation,
        Admins = config.Modules.Muc.Admins,
        DefaultHistoryLength = config.Modules.Muc.DefaultHistoryLength,
        MaxHistoryLength = config.Modules.Muc.MaxHistoryLength,
        DefaultMaxUsers = config.Modules.Muc.DefaultMaxUsers,
        MaxUsersLimit = config.Modules.Muc.MaxUsersLimit,
    };

    /// <summary>True when the listener written as <paramref name="address"/> offers XEP-0138.</summary>
    public static bool CompressionOn(ServerConfig config, string address)
        => config.Modules.Enabled?.Contains("compression") == true && config.Modules.Compression.Listeners.Contains(address);
}
