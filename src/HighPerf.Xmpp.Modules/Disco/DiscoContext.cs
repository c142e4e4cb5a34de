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
    private readonly List<(string Category, string Type)> _accountIdentities = [];

    private DiscoContext()
    {
    }

    public IReadOnlyList<string> AccountFeatures => _accountFeatures;

    /// <summary>Identities an account shows besides account/registered (pubsub/pep, XEP-0163 §6.1).</summary>
    public IReadOnlyList<(string Category, string Type)> AccountIdentities => _accountIdentities;

    public static DiscoContext For(XmppServer server) => Contexts.GetValue(server, static _ => new DiscoContext());

    public void AddAccountIdentity(string category, string type)
    {
        if (!_accountIdentities.Contains((category, type)))
        {
            _accountIdentities.Add((category, type));
        }
    }

    public void AddAccountFeature(string feature)
    {
        if (!_accountFeatures.Contains(feature))
        {
            _accountFeatures.Add(feature);
        }
    }
}
