using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.TestKit;

/// <summary>
/// The node-link certificate test clusters share (cluster.certificate/cluster.key): made once beside the test
/// assembly (reused while valid, as a deployment's would be) so that every node of every test links with it.
/// </summary>
public static class ClusterTestCertificate
{
    private static readonly Lazy<SelfSignedCertificateInfo> SharedFiles = new(() => Make(Path.Combine(AppContext.BaseDirectory, "cluster-tls")));

    /// <summary>The shared certificate's PEM files.</summary>
    public static SelfSignedCertificateInfo Shared => SharedFiles.Value;

    /// <summary>A certificate of another cluster, in <paramref name="directory"/>: a node with it must not link with ours.</summary>
    public static SelfSignedCertificateInfo Make(string directory) => SelfSignedCertificate.EnsureExists(directory, "hpx-cluster");
}
