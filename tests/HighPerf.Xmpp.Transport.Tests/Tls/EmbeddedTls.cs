using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using DotNetty.Buffers;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>An OpenSSL-engine handler in an EmbeddedChannel with a leak-tracking allocator, plus a client to drive it.</summary>
internal sealed class EmbeddedTls : IDisposable
{
    public EmbeddedTls(TlsServerContext context, bool directTls = false, bool echo = false, bool addTls = true)
    {
        Logger = new TestLogger();
        Allocator = new TrackingAllocator();
        Channel = new EmbeddedChannel();
        Channel.Configuration.Allocator = Allocator;
        Recorder = new EventRecorder(echo);
        if (addTls)
        {
            Handler = (OpenSslTlsHandler)context.CreateHandler(directTls);
            Channel.Pipeline.AddLast("tls", Handler);
        }

        Channel.Pipeline.AddLast("recorder", Recorder);
        Stream = new EmbeddedTlsStream(Channel, Allocator);
    }

    public TestLogger Logger { get; }

    public TrackingAllocator Allocator { get; }

    public EmbeddedChannel Channel { get; }

    public OpenSslTlsHandler? Handler { get; }

    public EventRecorder Recorder { get; }

    public EmbeddedTlsStream Stream { get; }

    public static TlsServerContext CreateContext(TestLogger? logger = null, params TlsCertificateFiles[] certificates)
        => TlsServerContext.Create(
            certificates.Length == 0 ? [TestCertificates.ExampleCom, TestCertificates.ExampleNet] : certificates,
            new TlsServerOptions { Engine = TlsEngine.OpenSsl },
            logger);

    public static SslClientAuthenticationOptions ClientOptions(SslProtocols protocols, string host = "example.com", params string[] alpn)
        => new()
        {
            TargetHost = host,
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => IsTestCertificate(certificate),
            ApplicationProtocols = alpn.Length == 0 ? null : alpn.Select(p => new SslApplicationProtocol(p)).ToList(),
        };

    /// <summary>Self-signed test certificates are trusted by subject: the tests check which one SNI picked.</summary>
    public static bool IsTestCertificate(System.Security.Cryptography.X509Certificates.X509Certificate? certificate)
        => certificate?.Subject is "CN=example.com" or "CN=example.net";

    public SslStream Connect(SslClientAuthenticationOptions options)
    {
        var ssl = new SslStream(Stream, leaveInnerStreamOpen: true);
        ssl.AuthenticateAsClient(options);
        return ssl;
    }

    /// <summary>All plaintext that reached the end of the pipeline so far.</summary>
    public string ReadPlaintext()
    {
        var text = new StringBuilder();
        while (Channel.ReadInbound<IByteBuffer>() is { } buffer)
        {
            text.Append(buffer.ToString(Encoding.UTF8));
            buffer.Release();
        }

        return text.ToString();
    }

    public Task ServerWrite(string text) => Channel.WriteAndFlushAsync(Allocator.Buffer().WriteBytes(Encoding.UTF8.GetBytes(text)));

    public void Dispose()
    {
        Stream.Dispose();
        Channel.CloseAsync().Wait(TimeSpan.FromSeconds(5));
        Channel.RunPendingTasks();
        Channel.FinishAndReleaseAll();
    }
}
