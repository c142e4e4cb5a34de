using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using HighPerf.Xmpp.TestKit.Logging;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>Certificates: generated into the data folder when none is configured, or PEM files (chain + key) from config.</summary>
public sealed class CertificateTests
{
    [Fact]
    public async Task Without_configured_certificate_one_is_generated_into_the_data_folder_and_its_fingerprint_logged()
    {
        var log = new TestLog();
        await using var server = await TestServers.StartAsync(loggerFactory: log.Factory);
        var path = Path.Combine(server.DataDirectory, "tls", "localhost.crt");
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "tls", "localhost.key")));
        Assert.Contains(log.Entries, e => e.EventId == 3001 && e.Message.Contains(path, StringComparison.Ordinal));
        var logged = log.Entries.Single(e => e.EventId == 3002).Message;

        await using var client = await server.ConnectAsync(directTls: true);
        var presented = SelfSignedCertificate.Fingerprint(client.ServerCertificate!);
        Assert.Contains(presented, logged, StringComparison.Ordinal);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", presented);
    }

    [Fact]
    public async Task Generated_certificate_is_reused_after_a_restart()
    {
        await using var server = await TestServers.StartAsync();
        string first;
        await using (var client = await server.ConnectAsync(directTls: true))
        {
            first = client.ServerCertificate!.Thumbprint;
        }

        await server.RestartAsync();
        await using var again = await server.ConnectAsync(directTls: true);
        Assert.Equal(first, again.ServerCertificate!.Thumbprint);
    }

    [Fact]
    public async Task Configured_pem_chain_and_key_are_served_with_the_whole_chain()
    {
        var folder = Directory.CreateTempSubdirectory("hpx-pem-").FullName;
        try
        {
            var (leaf, chainPem, keyPem) = MakeChain("localhost");
            var certificatePath = Path.Combine(folder, "chain.pem");
            var keyPath = Path.Combine(folder, "key.pem");
            await File.WriteAllTextAsync(certificatePath, chainPem);
            await File.WriteAllTextAsync(keyPath, keyPem);
            await using var server = await TestServers.StartAsync(c =>
            {
                c.Tls.Certificate = certificatePath;
                c.Tls.Key = keyPath;
            });

            await using (var client = await server.ConnectAsync())
            {
                await client.OpenStreamAsync();
                await client.StartTlsAsync();
                Assert.Equal(leaf.Thumbprint, client.ServerCertificate!.Thumbprint);
            }

            // The intermediate must travel with the leaf, or clients cannot build the path to their trusted root.
            var result = await ChildProcess.RunAsync(
                "openssl", ["s_client", "-connect", $"127.0.0.1:{server.DirectTlsEndPoint.Port}", "-showcerts", "-alpn", "xmpp-client"],
                stdin: "", timeout: TimeSpan.FromSeconds(15));
            Assert.Equal(2, CountOccurrences(result.StdOut, "-----BEGIN CERTIFICATE-----"));
            Assert.False(File.Exists(Path.Combine(server.DataDirectory, "tls", "localhost.crt")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>A root, an intermediate and a leaf for <paramref name="domain"/>: PEM of leaf + intermediate, and the leaf key.</summary>
    private static (X509Certificate2 Leaf, string ChainPem, string KeyPem) MakeChain(string domain)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(30));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var intermediate = intermediateRequest.Create(root, now.AddHours(-1), now.AddDays(30), [1, 2, 3]);
        using var intermediateWithKey = intermediate.CopyWithPrivateKey(intermediateKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={domain}", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        leafRequest.CertificateExtensions.Add(names.Build());
        var leaf = leafRequest.Create(intermediateWithKey, now.AddHours(-1), now.AddDays(30), [4, 5, 6]);
        return (leaf, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n", leafKey.ExportPkcs8PrivateKeyPem());
    }
}
