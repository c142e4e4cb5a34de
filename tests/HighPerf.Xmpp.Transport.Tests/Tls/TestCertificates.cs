using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>Two self-signed certificates (example.com, example.net) made once per test run in a temporary folder.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<(TlsCertificateFiles Com, TlsCertificateFiles Net)> Files = new(Create);

    public static TlsCertificateFiles ExampleCom => Files.Value.Com;

    public static TlsCertificateFiles ExampleNet => Files.Value.Net;

    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), "highperf-tls-tests-" + Environment.ProcessId);

    private static (TlsCertificateFiles, TlsCertificateFiles) Create()
    {
        var com = SelfSignedCertificate.EnsureExists(Directory, "example.com");
        var net = SelfSignedCertificate.EnsureExists(Directory, "example.net");
        return (com.ToFiles("example.com"), net.ToFiles("example.net"));
    }
}
