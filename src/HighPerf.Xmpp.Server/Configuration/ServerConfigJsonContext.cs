using System.Text.Json.Serialization;

namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>Source-generated JSON binding (no reflection: Native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(ServerConfig))]
internal sealed partial class ServerConfigJsonContext : JsonSerializerContext;
