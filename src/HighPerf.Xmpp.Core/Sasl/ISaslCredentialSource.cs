using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Core.Sasl;

/// <summary>
/// Where <see cref="SaslServer"/> reads stored SCRAM credentials. Called on the login path, synchronously;
/// an implementation must not allocate per call. The server adapts <see cref="IAccountStore"/>; tests use a
/// dictionary.
/// </summary>
public interface ISaslCredentialSource
{
    /// <summary>Looks up the credentials of the normalized bare JID <c>local@domain</c>.</summary>
    bool TryGetCredentials(ReadOnlySpan<byte> bareJid, out AccountRecord record);
}
