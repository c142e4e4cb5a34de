using HighPerf.Xmpp.Core.Hosting;

namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// A server feature: it declares what it handles (iq payloads, hooks, disco features, stream features) in
/// <see cref="Register"/>. Modules are registered in code (no assembly scanning: Native AOT) and enabled by
/// <see cref="Name"/> in the configuration.
/// </summary>
public interface IXmppModule
{
    /// <summary>The name used in the configuration's module list (e.g. "ping").</summary>
    string Name { get; }

    void Register(ModuleRegistry registry, XmppServer server);
}
