namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>TLS tests run one at a time: they count live SSLs and native memory process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TlsCollection
{
    public const string Name = "Tls";
}
