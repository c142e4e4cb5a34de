namespace HighPerf.Xmpp.Transport.Federation;

/// <summary>One place to try for a remote domain: a host (name or address), a port, and whether TLS starts at once (XEP-0368).</summary>
public sealed record RemoteTarget(string Host, int Port, bool DirectTls);
