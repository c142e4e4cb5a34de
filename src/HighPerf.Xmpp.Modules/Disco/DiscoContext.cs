using System.Runtime.CompilerServices;
using HighPerf.Xmpp.Core.Hosting;

namespace HighPerf.Xmpp.Modules.Disco;

/// <summary>
/// Features a bare JID (an account) shows in disco#info, added by the modules that answer iqs addressed to
/// accounts (vcard-temp, jabber:iq:last). The server's own features are the registry's (ModuleRegistry.Features).
/// Filled at start-up, read afterwards.
/// </summary>
public sealed class DiscoContext
{
    private static readonly ConditionalWeakTable<XmppServer, DiscoContext> Contexts = [];
    private readonly List<string> _accountFeatures = [];

    private DiscoContext()
    {
    }

    public IReadOnlyList<string> AccountFeatures => _accountFeatures;

    public static DiscoContext For(XmppServer server) => Contexts.GetValue(server, static _ => new DiscoContext());

    public void AddAccountFeature(string feature)
    {
        if (!_accountFeatures.Contains(feature))
        {
            _accountFeatures.Add(feature);
        }
    }
}
