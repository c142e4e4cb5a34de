using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>
/// The certificate an s2s peer presented, captured during the handshake (which accepts any certificate: the verdict
/// is XMPP's to make, per domain pair), and its RFC 6125 verdict for a domain: the chain builds to the system trust
/// store or to a configured extra CA, and a DNS-ID (or, without any, the CN) matches the domain.
/// </summary>
internal sealed class PeerCertificate(X509Certificate2Collection extraRoots)
{
    private readonly Dictionary<string, bool> _verdicts = new(StringComparer.OrdinalIgnoreCase);
    private X509Certificate2? _leaf;
    private X509Certificate2Collection? _intermediates;

    /// <summary>The SslStream validation callback: remembers what the peer sent and lets the handshake finish.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "The certificate is verified per domain pair by VerifiesFor before any pair is authenticated (SASL EXTERNAL, require-valid-certificates); dialback authenticates the rest (XEP-0220).")]
    public bool Capture(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return true;
        }

        _leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain is not null && chain.ChainElements.Count > 1)
        {
            _intermediates = [];
            for (var i = 1; i < chain.ChainElements.Count; i++)
            {
                _intermediates.Add(X509CertificateLoader.LoadCertificate(chain.ChainElements[i].Certificate.RawData));
            }
        }

        return true;
    }

    public bool Present => _leaf is not null;

    public bool VerifiesFor(string domain)
    {
        if (_leaf is null)
        {
            return false;
        }

        if (_verdicts.TryGetValue(domain, out var verdict))
        {
            return verdict;
        }

        verdict = _leaf.MatchesHostname(domain, allowWildcards: true, allowCommonName: true) && Chains(_leaf);
        _verdicts[domain] = verdict;
        return verdict;
    }

    private bool Chains(X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        // Revocation lists and OCSP need the network; a server may have none (and the certificate check is not
        // the only line: RFC 7590 leaves revocation to local policy).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (_intermediates is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        }

        if (chain.Build(leaf))
        {
            return true;
        }

        if (extraRoots.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        if (_intermediates is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(_intermediates);
        }

        return custom.Build(leaf);
    }
}
