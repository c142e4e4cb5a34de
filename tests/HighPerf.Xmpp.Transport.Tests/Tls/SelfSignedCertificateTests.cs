using System.Security.Cryptography.X509Certificates;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

public sealed class SelfSignedCertificateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "highperf-selfsigned-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Creates_pem_files_once_with_a_private_key_file_only_the_owner_can_read()
    {
        var first = SelfSignedCertificate.EnsureExists(_directory, "localhost");
        var second = SelfSignedCertificate.EnsureExists(_directory, "localhost");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Sha256Fingerprint, second.Sha256Fingerprint);
        Assert.Equal(Path.Combine(_directory, "tls", "localhost.crt"), first.CertificatePath);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.PrivateKeyPath));
        }

        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", first.Sha256Fingerprint);
    }

    [Fact]
    public void Certificate_names_the_domain_and_its_subdomains_and_is_valid_for_two_years()
    {
        var info = SelfSignedCertificate.EnsureExists(_directory, "example.org");
        using var certificate = X509Certificate2.CreateFromPemFile(info.CertificatePath, info.PrivateKeyPath);

        Assert.Equal("CN=example.org", certificate.Subject);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["example.org", "*.example.org"], san.EnumerateDnsNames());
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 729, 731);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void An_expiring_certificate_is_replaced()
    {
        var old = SelfSignedCertificate.EnsureExists(_directory, "example.org", new FixedTime(DateTimeOffset.UtcNow.AddDays(-720)));
        var renewed = SelfSignedCertificate.EnsureExists(_directory, "example.org");

        Assert.True(renewed.Created);
        Assert.NotEqual(old.Sha256Fingerprint, renewed.Sha256Fingerprint);
    }

    [Fact]
    public void Pem_files_load_for_SslStream()
    {
        var info = SelfSignedCertificate.EnsureExists(_directory, "example.org");
        using var certificate = PemCertificateLoader.LoadForSslStream(info.CertificatePath, info.PrivateKeyPath);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(info.Sha256Fingerprint, SelfSignedCertificate.Fingerprint(certificate));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Rejects_names_that_are_not_domains(string domain)
        => Assert.ThrowsAny<ArgumentException>(() => SelfSignedCertificate.EnsureExists(_directory, domain));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
