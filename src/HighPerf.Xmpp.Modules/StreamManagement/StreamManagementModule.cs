using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Modules;
using HighPerf.Xmpp.Core.StreamManagement;

namespace HighPerf.Xmpp.Modules.StreamManagement;

/// <summary>
/// XEP-0198 stream management with resumption: offers &lt;sm/&gt; after SASL and handles enable, r, a and resume
/// (the protocol logic is in Core: <see cref="StreamManagementHandler"/> and XmppSession.StreamManagement.cs, next to
/// where stanzas reach the transport). Unacknowledged messages of a session that ends go to offline storage, so it
/// works best with the offline module on.
/// </summary>
public sealed class StreamManagementModule(StreamManagementOptions options) : IXmppModule
{
    public string Name => "sm";

    /// <summary>The handler, once registered (tests and metrics read its resumable-session count).</summary>
    public StreamManagementHandler? Handler { get; private set; }

    public void Register(ModuleRegistry registry, XmppServer server)
    {
        var handler = new StreamManagementHandler(server, options);
        Handler = handler;
        registry.AddStreamElementHandler(StreamManagementHandler.Namespace, handler);
        registry.AddStreamFeatures(handler);
        registry.AddStopHandler(handler.EndDetachedSessions);
    }
}
