using System.Text;
using HighPerf.Xmpp.Core.Collections;
using HighPerf.Xmpp.Core.Sasl;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

/// <summary>A credential source over a dictionary, so SASL is tested without the store.</summary>
internal sealed class InMemoryCredentials : ISaslCredentialSource
{
    private readonly Dictionary<byte[], AccountRecord> _accounts = new(Utf8KeyComparer.Instance);

    public int Lookups { get; private set; }

    public InMemoryCredentials Add(string bareJid, AccountRecord record)
    {
        _accounts[Encoding.UTF8.GetBytes(bareJid)] = record;
        return this;
    }

    public InMemoryCredentials Add(string bareJid, string password)
        => Add(bareJid, ScramCredentials.Derive(password));

    public bool TryGetCredentials(ReadOnlySpan<byte> bareJid, out AccountRecord record)
    {
        Lookups++;
        return _accounts.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(bareJid, out record);
    }
}
