using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Hosting;

/// <summary>Lets SASL read SCRAM keys from the account store (allocation-free lookup).</summary>
internal sealed class AccountCredentialSource(IAccountStore accounts) : ISaslCredentialSource
{
    public bool TryGetCredentials(ReadOnlySpan<byte> bareJid, out AccountRecord record) => accounts.TryGet(bareJid, out record);
}
