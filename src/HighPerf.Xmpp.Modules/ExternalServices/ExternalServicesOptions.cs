namespace HighPerf.Xmpp.Modules.ExternalServices;

/// <summary>The services XEP-0215 announces.</summary>
public sealed record ExternalServicesOptions
{
    public IReadOnlyList<ExternalService> Services { get; init; } = [];
}
