using System.Text.Json.Serialization;

namespace HighPerf.Xmpp.Server.Control;

/// <summary>One admin command sent over the control socket as a single JSON line.</summary>
public sealed class ControlRequest
{
    public string Command { get; set; } = "";

    public List<string> Args { get; set; } = [];
}

/// <summary>Source-generated JSON for <see cref="ControlRequest"/> (no reflection: Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ControlRequest))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
