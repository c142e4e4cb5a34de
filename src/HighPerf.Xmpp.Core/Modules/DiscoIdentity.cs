namespace HighPerf.Xmpp.Core.Modules;

/// <summary>A XEP-0030 identity (category/type/name).</summary>
public sealed record DiscoIdentity(string Category, string Type, string? Name = null);
