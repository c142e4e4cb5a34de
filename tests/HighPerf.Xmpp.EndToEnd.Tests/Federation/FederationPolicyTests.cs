using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HighPerf.Xmpp.Core.Federation;
using HighPerf.Xmpp.EndToEnd.Tests.Im;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>The s2s security policies: dialback for self-signed peers, EXTERNAL-only with a CA both trust, and refusal.</summary>
public sealed class FederationPolicyTests
{
    [Fact]
    public async Task Self_signed_peers_authenticate_with_dialback_over_starttls()
    {
        await using var pair = await FederatedPair.StartAsync();
        await AssertMessageCrossesAsync(pair);
        Assert.Equal("dialback", Link(pair.Alpha, FederatedPair.BetaDomain).AuthenticatedBy);
        Assert.Equal("dialback", Link(pair.Beta, FederatedPair.AlphaDomain).AuthenticatedBy);
    }

    [Fact]
    public async Task With_certificates_from_a_trusted_ca_and_dialback_off_peers_authenticate_with_sasl_external()
    {
        using var pki = TestPki.Create(FederatedPair.AlphaDomain, FederatedPair.BetaDomain);
        await using var pair = await FederatedPair.StartAsync(
            f =>
            {
                f.AllowDialback = false;
                f.RequireValidCertificates = true;
                f.ExtraCaFiles = [pki.CaPath];
            },
            configureAlpha: c => (c.Tls.Certificate, c.Tls.Key) = pki.Files(FederatedPair.AlphaDomain),
            configureBeta: c => (c.Tls.Certificate, c.Tls.Key) = pki.Files(FederatedPair.BetaDomain));
        await AssertMessageCrossesAsync(pair);
        Assert.Equal("EXTERNAL", Link(pair.Alpha, FederatedPair.BetaDomain).AuthenticatedBy);
        Assert.Equal("EXTERNAL", Link(pair.Beta, FederatedPair.AlphaDomain).AuthenticatedBy);
    }

    [Fact]
    public async Task Requiring_valid_certificates_refuses_self_signed_peers_and_bounces_the_message()
    {
        await using var pair = await FederatedPair.StartAsync(f => f.RequireValidCertificates = true);
        await using var romeo = await pair.AlphaLoginAsync("romeo");
        await romeo.SendAsync("<message to='juliet@beta.test' type='chat' id='c1'><body>hi</body></message>");
        var error = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == "c1", TimeSpan.FromSeconds(30));
        Assert.Equal("error", (string?)error.Attribute("type"));
        Assert.Equal("remote-server-not-found", ImSteps.ErrorCondition(error));
    }

    private static OutboundLink Link(TestKit.TestServer server, string remote)
        => server.Host.Server.Federation!.Links.Single(l => l.RemoteName == remote);

    private static async Task AssertMessageCrossesAsync(FederatedPair pair)
    {
        await using var romeo = await pair.AlphaLoginAsync("romeo");
        await using var juliet = await pair.BetaLoginAsync("juliet");
        await romeo.SendAsync("<presence/>");
        await juliet.SendAsync("<presence/>");
        await romeo.SendAsync("<message to='juliet@beta.test' type='chat'><body>one</body></message>");
        Assert.Equal("one", (await juliet.ExpectAsync(e => e.Name == ImSteps.Client + "message")).Element(ImSteps.Client + "body")?.Value);
        await juliet.SendAsync("<message to='romeo@alpha.test/r' type='chat'><body>two</body></message>");
        Assert.Equal("two", (await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message")).Element(ImSteps.Client + "body")?.Value);
    }

    /// <summary>A CA and one certificate per domain signed by it (EKU serverAuth and clientAuth), as PEM files.</summary>
    private sealed class TestPki : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "hpx-pki-" + Guid.NewGuid().ToString("N"));

        public string CaPath => Path.Combine(_folder, "ca.pem");

        public (string, string) Files(string domain) => (Path.Combine(_folder, domain + ".crt"), Path.Combine(_folder, domain + ".key"));

        public static TestPki Create(params string[] domains)
        {
            var pki = new TestPki();
            Directory.CreateDirectory(pki._folder);
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=HighPerf test CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(pki.CaPath, ca.ExportCertificatePem());
            foreach (var domain in domains)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
                var names = new SubjectAlternativeNameBuilder();
                names.AddDnsName(domain);
                request.CertificateExtensions.Add(names.Build());
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
                var serial = RandomNumberGenerator.GetBytes(12);
                using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
                var (certificate, privateKey) = pki.Files(domain);
                File.WriteAllText(certificate, leaf.ExportCertificatePem());
                File.WriteAllText(privateKey, key.ExportPkcs8PrivateKeyPem());
            }

            return pki;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
